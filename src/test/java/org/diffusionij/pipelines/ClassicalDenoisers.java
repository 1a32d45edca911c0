package org.diffusionij.pipelines;

import java.util.Arrays;

/**
 * The classical baselines of the denoising benchmark: Gaussian blur and the 3x3 median, on row-major float
 * planes. Borders are mirrored with the edge pixel repeated ({@code d c b a | a b c d}), scipy.ndimage's
 * {@code reflect} mode, so results compare with Python baselines.
 */
public final class ClassicalDenoisers {

	private ClassicalDenoisers() {}

	/**
	 * Separable Gaussian blur with standard deviation {@code sigma} pixels, truncated at 4 σ (scipy's default),
	 * weights normalised to sum 1. {@code sigma = 0} returns a copy.
	 */
	public static float[] gaussianBlur(float[] plane, int width, int height, double sigma) {
		check(plane, width, height);
		if (!(sigma >= 0)) throw new IllegalArgumentException("sigma must be 0 or more, not " + sigma);
		if (sigma == 0) return plane.clone();
		int radius = (int) (4 * sigma + 0.5);
		double[] kernel = new double[2 * radius + 1];
		double norm = 0;
		for (int i = -radius; i <= radius; i++) norm += kernel[i + radius] = Math.exp(-0.5 * i * i / (sigma * sigma));
		for (int i = 0; i < kernel.length; i++) kernel[i] /= norm;
		float[] rows = new float[plane.length];
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				double s = 0;
				for (int k = -radius; k <= radius; k++) s += kernel[k + radius] * plane[y * width + reflect(x + k, width)];
				rows[y * width + x] = (float) s;
			}
		}
		float[] out = new float[plane.length];
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				double s = 0;
				for (int k = -radius; k <= radius; k++) s += kernel[k + radius] * rows[reflect(y + k, height) * width + x];
				out[y * width + x] = (float) s;
			}
		}
		return out;
	}

	/** Median of each pixel's 3x3 neighbourhood. */
	public static float[] median3x3(float[] plane, int width, int height) {
		check(plane, width, height);
		float[] out = new float[plane.length];
		float[] window = new float[9];
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				int k = 0;
				for (int dy = -1; dy <= 1; dy++) {
					int row = reflect(y + dy, height) * width;
					for (int dx = -1; dx <= 1; dx++) window[k++] = plane[row + reflect(x + dx, width)];
				}
				Arrays.sort(window);
				out[y * width + x] = window[4];
			}
		}
		return out;
	}

	/** Index {@code i} mirrored into {@code [0, n)} with the edge repeated; works for any distance outside. */
	static int reflect(int i, int n) {
		if (n == 1) return 0;
		int period = 2 * n;
		int m = Math.floorMod(i, period);
		return m < n ? m : period - 1 - m;
	}

	private static void check(float[] plane, int width, int height) {
		if (width < 1 || height < 1 || plane.length != width * height) {
			throw new IllegalArgumentException("plane has " + plane.length + " values, not " + width + "x" + height);
		}
	}
}
