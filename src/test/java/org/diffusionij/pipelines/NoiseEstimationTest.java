package org.diffusionij.pipelines;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class NoiseEstimationTest {

	private static final double[] SIGMAS = { 5, 10, 15, 25, 35, 50 };
	private static final String[] IMAGES = { "ib_boats.png", "skimage_camera.png" };

	/** The default estimate on real 8-bit and 16-bit (x257) images is within 10% of the added noise. */
	@Test
	void defaultEstimateIsWithinTenPercentOnRealImages() {
		double worst = 0;
		for (String name : IMAGES) {
			TestImage clean = TestImage.load(name);
			for (double scale : new double[] { 1, 257 }) {
				TestImage image = clean.scaled(scale);
				for (double sigma : SIGMAS) {
					double truth = sigma * scale;
					TestImage noisy = image.withNoise(truth, 1234);
					double estimate = NoiseEstimation.estimate(noisy.plane, noisy.width, noisy.height);
					double error = Math.abs(estimate / truth - 1);
					assertTrue(error < 0.10, name + " x" + scale + " sigma " + truth + ": estimate " + estimate);
					worst = Math.max(worst, error);
				}
			}
		}
		assertTrue(worst > 0, "a real image's texture always shows in the estimate");
	}

	/** The reason for the flat-pixel restriction: the plain estimators overestimate small σ on textured images. */
	@Test
	void plainEstimatorsOverestimateSmallSigmaWhereTheDefaultDoesNot() {
		TestImage noisy = TestImage.load("skimage_camera.png").withNoise(5, 99);
		double plain = PlainNoiseEstimators.immerkaer(noisy.plane, noisy.width, noisy.height);
		double wavelet = PlainNoiseEstimators.waveletMad(noisy.plane, noisy.width, noisy.height);
		double flat = NoiseEstimation.estimate(noisy.plane, noisy.width, noisy.height);
		assertTrue(plain > 5 * 1.2, "plain Immerkaer " + plain);
		assertTrue(wavelet > 5 * 1.15, "wavelet MAD " + wavelet);
		assertEquals(5, flat, 0.5);
	}

	/** On pure noise all three estimators are unbiased. */
	@Test
	void pureNoiseGivesSigma() {
		TestImage noise = new TestImage(new float[256 * 256], 256, 256).withNoise(7, 5);
		assertEquals(7, PlainNoiseEstimators.immerkaer(noise.plane, 256, 256), 7 * 0.02);
		assertEquals(7, NoiseEstimation.immerkaerFlat(noise.plane, 256, 256, 0.1), 7 * 0.05);
		assertEquals(7, PlainNoiseEstimators.waveletMad(noise.plane, 256, 256), 7 * 0.03);
	}

	/** Planes, ramps and quadratic-free surfaces give zero: the mask cancels them. */
	@Test
	void rampHasNoNoise() {
		int w = 20;
		int h = 15;
		float[] ramp = new float[w * h];
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) ramp[y * w + x] = 3 * x - 2 * y + 100;
		}
		assertEquals(0, NoiseEstimation.estimate(ramp, w, h), 1e-9);
		assertEquals(0, PlainNoiseEstimators.immerkaer(ramp, w, h), 1e-9);
		assertEquals(0, PlainNoiseEstimators.waveletMad(ramp, w, h), 1e-9);
	}

	@Test
	void rejectsWrongSizes() {
		assertThrows(IllegalArgumentException.class, () -> NoiseEstimation.estimate(new float[4], 2, 2));
		assertThrows(IllegalArgumentException.class, () -> NoiseEstimation.estimate(new float[10], 4, 4));
	}
}
