package org.diffusionij.pipelines;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.diffusionij.Fixtures;
import org.junit.jupiter.api.Test;

class GeneralizedAnscombeTest {

	private static final double GAIN = 2.5;
	private static final double OFFSET = 100;
	private static final double READ_NOISE = 1.5;
	private static final int SAMPLES = 200_000;

	/** One Poisson–Gaussian pixel value for a mean of {@code photons}. */
	private static double sample(Random random, double photons) {
		return GAIN * Fixtures.poisson(photons, random) + OFFSET + READ_NOISE * random.nextGaussian();
	}

	/**
	 * The algebraic inverse of {@code forward} for the test's gain, offset and read noise: exact for single
	 * values, biased for denoised ones (the reason {@link GeneralizedAnscombe#inverse} is not this).
	 */
	private static double algebraicInverse(double d) {
		double s = READ_NOISE / GAIN;
		double y = d * d / 4 - 0.375 - s * s;
		return GAIN * Math.max(0, y) + OFFSET;
	}

	/** E[f(z)] from many samples, which is what an ideal denoiser returns; its inverse gives back the intensity. */
	private static double meanOfForward(GeneralizedAnscombe gat, Random random, double photons) {
		double sum = 0;
		for (int i = 0; i < SAMPLES; i++) sum += gat.forward(sample(random, photons));
		return sum / SAMPLES;
	}

	@Test
	void unbiasedInverseOfTheExpectedTransformGivesTheTrueIntensity() {
		GeneralizedAnscombe gat = new GeneralizedAnscombe(GAIN, OFFSET, READ_NOISE);
		Random random = new Random(3);
		for (double photons : new double[] { 1, 2, 5, 10, 30, 100 }) {
			double truth = GAIN * photons + OFFSET;
			double d = meanOfForward(gat, random, photons);
			double unbiased = gat.inverse(d);
			double algebraic = algebraicInverse(d);
			// within 0.1 photon (in intensity units) or 1% of the signal, whichever is larger
			double tolerance = Math.max(0.1, 0.01 * photons) * GAIN;
			assertEquals(truth, unbiased, tolerance, photons + " photons");
			assertTrue(Math.abs(algebraic - truth) > 2 * Math.abs(unbiased - truth), photons +
				" photons: the algebraic inverse is biased by about 1/4 photon (" + algebraic + " vs " + unbiased + ")");
		}
	}

	@Test
	void stabilisesTheVarianceToOne() {
		GeneralizedAnscombe gat = new GeneralizedAnscombe(GAIN, OFFSET, READ_NOISE);
		Random random = new Random(4);
		for (double photons : new double[] { 10, 50, 200 }) {
			double sum = 0;
			double sumSq = 0;
			int n = 50_000;
			for (int i = 0; i < n; i++) {
				double f = gat.forward(sample(random, photons));
				sum += f;
				sumSq += f * f;
			}
			double variance = sumSq / n - (sum / n) * (sum / n);
			assertEquals(1, variance, 0.05, photons + " photons");
		}
	}

	@Test
	void algebraicInverseUndoesForward() {
		GeneralizedAnscombe gat = new GeneralizedAnscombe(GAIN, OFFSET, READ_NOISE);
		for (double z : new double[] { 110, 150, 1000, 65535 }) {
			assertEquals(z, algebraicInverse(gat.forward(z)), 1e-9 * z);
		}
		// below the offset the transform clips to 0 and the inverse to the offset
		assertEquals(0, gat.forward(OFFSET - 50), 0);
		assertEquals(OFFSET, gat.inverse(0), 0);
	}

	@Test
	void pureAnscombeInverseMatchesThePublishedFormula() {
		// alpha = 1, no Gaussian part: Makitalo and Foi's closed form for Poisson noise at D = 4
		GeneralizedAnscombe anscombe = new GeneralizedAnscombe(1, 0, 0);
		double d = 4;
		double expected = 4 - 0.125 + 0.25 * Math.sqrt(1.5) / 4 - 11.0 / 8 / 16 + 5.0 / 8 * Math.sqrt(1.5) / 64;
		assertEquals(expected, anscombe.inverse(d), 1e-12);
		assertEquals(2 * Math.sqrt(3.0 + 0.375), anscombe.forward(3), 1e-12);
	}

	@Test
	void rejectsBadParameters() {
		assertThrows(IllegalArgumentException.class, () -> new GeneralizedAnscombe(0, 0, 1));
		assertThrows(IllegalArgumentException.class, () -> new GeneralizedAnscombe(1, 0, -1));
	}
}
