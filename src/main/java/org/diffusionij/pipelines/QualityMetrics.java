package org.diffusionij.pipelines;

/**
 * Image quality against a clean reference, for the denoising benchmark and its tests: PSNR and SSIM, computed
 * as scikit-image does so that figures compare with the literature.
 * <p>
 * {@link #ssim} is Wang, Bovik, Sheikh and Simoncelli's SSIM (IEEE TIP 13(4), 2004) as
 * {@code skimage.metrics.structural_similarity(x, y, gaussian_weights=True, sigma=1.5,
 * use_sample_covariance=False, data_range=R)}: local statistics under an 11x11 Gaussian window (σ = 1.5,
 * truncated at 3.5 σ, so radius 5), {@code K1 = 0.01}, {@code K2 = 0.03}, and the mean of the SSIM map over the
 * pixels at least 5 pixels from the border (where the window lies inside the image, so the border mode does not
 * matter).
 */
public final class QualityMetrics {

	public static final double K1 = 0.01;
	public static final double K2 = 0.03;
	public static final double WINDOW_SIGMA = 1.5;
	/** {@code int(3.5 * 1.5 + 0.5)}: scipy's Gaussian radius for truncate = 3.5. */
	public static final int WINDOW_RADIUS = 5;

	private QualityMetrics() {}

	/** Peak signal-to-noise ratio in dB: {@code 10 log10(R² / MSE)}; infinite for identical planes. */
	public static double psnr(float[] reference, float[] test, double dataRange) {
		checkSame(reference, test);
		double sum = 0;
		for (int i = 0; i < reference.length; i++) {
			double d = (double) reference[i] - test[i];
			sum += d * d;
		}
		double mse = sum / reference.length;
		return 10 * Math.log10(dataRange * dataRange / mse);
	}

	/** Mean structural similarity of two planes of the given size (at least 11x11). */
	public static double ssim(float[] reference, float[] test, int width, int height, double dataRange) {
		checkSame(reference, test);
		if (reference.length != width * height) throw new IllegalArgumentException("planes are not " + width + "x" +
			height);
		int r = WINDOW_RADIUS;
		if (width < 2 * r + 1 || height < 2 * r + 1) throw new IllegalArgumentException("SSIM needs 11x11 pixels");
		double[] kernel = new double[2 * r + 1];
		double norm = 0;
		for (int i = -r; i <= r; i++) norm += kernel[i + r] = Math.exp(-0.5 * i * i / (WINDOW_SIGMA * WINDOW_SIGMA));
		for (int i = 0; i < kernel.length; i++) kernel[i] /= norm;
		int n = reference.length;
		double[] x = new double[n];
		double[] y = new double[n];
		double[] xx = new double[n];
		double[] yy = new double[n];
		double[] xy = new double[n];
		for (int i = 0; i < n; i++) {
			x[i] = reference[i];
			y[i] = test[i];
			xx[i] = x[i] * x[i];
			yy[i] = y[i] * y[i];
			xy[i] = x[i] * y[i];
		}
		double[][] means = { x, y, xx, yy, xy };
		for (int m = 0; m < means.length; m++) means[m] = filterInterior(means[m], width, height, kernel);
		double c1 = (K1 * dataRange) * (K1 * dataRange);
		double c2 = (K2 * dataRange) * (K2 * dataRange);
		double sum = 0;
		int count = 0;
		for (int row = r; row < height - r; row++) {
			for (int col = r; col < width - r; col++) {
				int i = row * width + col;
				double ux = means[0][i], uy = means[1][i];
				double vx = means[2][i] - ux * ux;
				double vy = means[3][i] - uy * uy;
				double vxy = means[4][i] - ux * uy;
				sum += (2 * ux * uy + c1) * (2 * vxy + c2) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
				count++;
			}
		}
		return sum / count;
	}

	/** Separable filtering, valid only where the window lies inside the plane (the rest is left at 0). */
	private static double[] filterInterior(double[] in, int width, int height, double[] kernel) {
		int r = kernel.length / 2;
		double[] rows = new double[in.length];
		for (int row = 0; row < height; row++) {
			for (int col = r; col < width - r; col++) {
				double s = 0;
				for (int k = -r; k <= r; k++) s += kernel[k + r] * in[row * width + col + k];
				rows[row * width + col] = s;
			}
		}
		double[] out = new double[in.length];
		for (int row = r; row < height - r; row++) {
			for (int col = r; col < width - r; col++) {
				double s = 0;
				for (int k = -r; k <= r; k++) s += kernel[k + r] * rows[(row + k) * width + col];
				out[row * width + col] = s;
			}
		}
		return out;
	}

	private static void checkSame(float[] a, float[] b) {
		if (a.length != b.length) throw new IllegalArgumentException("planes differ in size: " + a.length + " vs " +
			b.length);
	}
}
