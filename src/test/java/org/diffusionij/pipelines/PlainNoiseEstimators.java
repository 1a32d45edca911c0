package org.diffusionij.pipelines;

import java.util.Arrays;

/**
 * The published noise estimators that {@link NoiseEstimation#estimate} improves on, kept as references for the
 * tests: Immerkær's over the whole plane and Donoho's wavelet MAD.
 */
final class PlainNoiseEstimators {

	/** The median absolute value of a standard Gaussian. */
	private static final double MEDIAN_ABS_OF_GAUSSIAN = 0.6744897501960817;

	private PlainNoiseEstimators() {}

	/** Immerkær's estimate over the whole plane: {@code σ = sqrt(π/2) · Σ|I*N| / (6 (W-2)(H-2))}. */
	static double immerkaer(float[] plane, int width, int height) {
		return NoiseEstimation.immerkaerFlat(plane, width, height, 1.0);
	}

	/**
	 * Donoho's wavelet estimate: the median absolute value of the finest diagonal Haar detail band, divided by
	 * the median absolute value of a standard Gaussian (0.6745). The orthonormal Haar diagonal coefficient of a
	 * 2x2 block {@code (a - b - c + d) / 2} has the noise's own standard deviation.
	 */
	static double waveletMad(float[] plane, int width, int height) {
		NoiseEstimation.checkSize(plane, width, height);
		int hw = width / 2;
		int hh = height / 2;
		double[] detail = new double[hw * hh];
		int k = 0;
		for (int y = 0; y < hh; y++) {
			for (int x = 0; x < hw; x++) {
				int i = 2 * y * width + 2 * x;
				detail[k++] = Math.abs((plane[i] - plane[i + 1] - plane[i + width] + plane[i + width + 1]) / 2.0);
			}
		}
		Arrays.sort(detail);
		int n = detail.length;
		double median = n % 2 == 1 ? detail[n / 2] : 0.5 * (detail[n / 2 - 1] + detail[n / 2]);
		return median / MEDIAN_ABS_OF_GAUSSIAN;
	}
}
