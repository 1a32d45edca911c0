package org.diffusionij.pipelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.diffusionij.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * Denoise Image's pipeline with the bundled model on 128 x 128 crops of real photographs with Gaussian noise
 * of known σ (seeded): the result must gain a wide margin over the noisy input and beat a 3 x 3 median, for
 * every plane of a stack and in the 16-bit scale too.
 */
class DenoiserTest {

	static final double SIGMA = 25;

	static TestImage camera() {
		return TestImage.load("skimage_camera.png").crop(192, 64, 128, 128);
	}

	static TestImage boats() {
		return TestImage.load("ib_boats.png").crop(256, 160, 128, 128);
	}

	static DenoiseSettings gaussian(Double sigma) {
		DenoiseSettings s = new DenoiseSettings();
		s.sigma = sigma;
		return s;
	}

	static DenoiseResult run(DenoiseSettings s, Progress progress, TestImage... planes) {
		float[][] in = new float[planes.length][];
		for (int i = 0; i < planes.length; i++) in[i] = planes[i].plane;
		return BundledDenoiser.get().denoise(in, 1, planes[0].width, planes[0].height, s, progress, BundledDenoiser
			.manager());
	}

	static double psnr(TestImage clean, float[] test, double range) {
		return QualityMetrics.psnr(clean.plane, test, range);
	}

	@Test
	void meanModeGainsFiveDecibelsAndBeatsAMedian() {
		TestImage clean = camera();
		TestImage noisy = clean.withNoise(SIGMA, 1);
		float[] out = run(gaussian(SIGMA), Progress.NONE, noisy).planes[0];
		double input = psnr(clean, noisy.plane, 255);
		double median = psnr(clean, ClassicalDenoisers.median3x3(noisy.plane, noisy.width, noisy.height), 255);
		double result = psnr(clean, out, 255);
		assertTrue(result >= input + 5, "input " + input + " dB, result " + result + " dB");
		assertTrue(result > median, "median " + median + " dB, result " + result + " dB");
	}

	@Test
	void estimatesAndReportsSigmaPerPlane() {
		TestImage clean = boats();
		DenoiseResult r = run(gaussian(null), Progress.NONE, clean.withNoise(SIGMA, 2), clean.withNoise(2 * SIGMA, 3));
		assertEquals(SIGMA, r.sigmas[0], 0.1 * SIGMA, r.sigmaList());
		assertEquals(2 * SIGMA, r.sigmas[1], 0.2 * SIGMA, r.sigmaList());
		assertTrue(r.timesteps[1] > r.timesteps[0], "more noise starts later: " + r.timestepList());
	}

	@Test
	void everyPlaneOfAStackIsDenoised() {
		TestImage a = camera();
		TestImage b = boats();
		TestImage[] noisy = { a.withNoise(SIGMA, 4), b.withNoise(SIGMA, 5) };
		DenoiseResult r = run(gaussian(SIGMA), Progress.NONE, noisy);
		TestImage[] clean = { a, b };
		for (int p = 0; p < 2; p++) {
			double input = psnr(clean[p], noisy[p].plane, 255);
			double result = psnr(clean[p], r.planes[p], 255);
			assertTrue(result >= input + 5, "plane " + p + ": input " + input + " dB, result " + result + " dB");
		}
	}

	@Test
	void sixteenBitDataStaysInItsScale() {
		TestImage clean = camera().scaled(257);
		TestImage noisy = clean.withNoise(SIGMA * 257, 6);
		DenoiseResult r = run(gaussian(null), Progress.NONE, noisy);
		assertEquals(SIGMA * 257, r.sigmas[0], 0.1 * SIGMA * 257, "sigma in the 16-bit units");
		double input = psnr(clean, noisy.plane, 65535);
		double result = psnr(clean, r.planes[0], 65535);
		assertTrue(result >= input + 5, "input " + input + " dB, result " + result + " dB");
	}

	@Test
	void cancellingStopsAndLeavesTheInputAlone() {
		TestImage noisy = camera().withNoise(SIGMA, 7);
		float[] before = noisy.plane.clone();
		AtomicLong calls = new AtomicLong();
		Progress cancelAfterOne = new Progress() {
			@Override
			public void status(String message) {}

			@Override
			public void step(long done, long total) {
				calls.set(done);
			}

			@Override
			public boolean isCancelled() {
				return calls.get() >= 1;
			}
		};
		DenoiseSettings s = gaussian(SIGMA);
		s.mode = DenoiseSettings.Mode.SAMPLE;
		s.steps = 5;
		assertThrows(CancelledException.class, () -> run(s, cancelAfterOne, noisy));
		assertEquals(1, calls.get(), "stopped after the first network call");
		assertArrayEquals(before, noisy.plane, 0f);
	}

	@Test
	void sampleModeIsSeededAndDenoises() {
		TestImage clean = camera();
		TestImage noisy = clean.withNoise(SIGMA, 8);
		DenoiseSettings s = gaussian(SIGMA);
		s.mode = DenoiseSettings.Mode.SAMPLE;
		s.steps = 3;
		s.samples = 2;
		s.seed = 7;
		float[] first = run(s, Progress.NONE, noisy).planes[0];
		float[] again = run(s, Progress.NONE, noisy).planes[0];
		s.seed = 8;
		float[] other = run(s, Progress.NONE, noisy).planes[0];
		assertArrayEquals(first, again, 0f, "the same seed gives the same result");
		assertFalse(Arrays.equals(first, other), "another seed gives another sample");
		double input = psnr(clean, noisy.plane, 255);
		double result = psnr(clean, first, 255);
		assertTrue(result >= input + 3, "input " + input + " dB, result " + result + " dB");
	}

	@Test
	void poissonGaussianNoiseIsDenoisedThroughTheAnscombeTransform() {
		TestImage clean = camera();
		double gain = 4, offset = 100, read = 3;
		Random random = new Random(9);
		float[] expected = new float[clean.plane.length];
		float[] noisy = new float[clean.plane.length];
		for (int i = 0; i < noisy.length; i++) {
			double photons = clean.plane[i] / 8.0 + 1; // 1 to 33 photons: photon-limited
			expected[i] = (float) (gain * photons + offset);
			noisy[i] = (float) (gain * Fixtures.poisson(photons, random) + offset + read * random.nextGaussian());
		}
		DenoiseSettings s = new DenoiseSettings();
		s.noise = DenoiseSettings.Noise.POISSON_GAUSSIAN;
		s.gain = gain;
		s.offset = offset;
		s.sigma = read;
		float[] out = BundledDenoiser.get().denoise(new float[][] { noisy }, 1, clean.width, clean.height, s,
			Progress.NONE, BundledDenoiser.manager()).planes[0];
		double range = gain * 32;
		double input = QualityMetrics.psnr(expected, noisy, range);
		double result = QualityMetrics.psnr(expected, out, range);
		assertTrue(result >= input + 5, "input " + input + " dB, result " + result + " dB");
	}
}
