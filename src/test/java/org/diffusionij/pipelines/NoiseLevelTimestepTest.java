package org.diffusionij.pipelines;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class NoiseLevelTimestepTest {

	/** diffusers' "linear" schedule: betas evenly from 1e-4 to 0.02 over 1000 steps, ᾱ = cumprod(1 − β). */
	private static float[] linearSchedule() {
		int n = 1000;
		float[] alphasCumprod = new float[n];
		double product = 1;
		for (int i = 0; i < n; i++) {
			double beta = 1e-4 + (0.02 - 1e-4) * i / (n - 1);
			product *= 1 - beta;
			alphasCumprod[i] = (float) product;
		}
		return alphasCumprod;
	}

	@Test
	void eightBitSigmaTwentyFiveMapsToASmallTimestep() {
		float[] schedule = linearSchedule();
		// σ = 25 in 8-bit units; [0, 255] -> [-1, 1] doubles it: 2 * 25 / 255
		double sigma = 2 * 25.0 / 255;
		NoiseLevelTimestep t = NoiseLevelTimestep.forSigma(schedule, sigma);
		assertEquals(1 / (1 + sigma * sigma), t.alphaCumprod, 1e-12);
		assertEquals(1 / Math.sqrt(1 + sigma * sigma), t.scale, 1e-12);
		int below = (int) Math.floor(t.timestep);
		assertTrue(schedule[below] >= t.alphaCumprod && schedule[below + 1] < t.alphaCumprod, "t = " + t.timestep);
		// the linear interpolation in ᾱ between the neighbours reproduces the target
		double fraction = t.timestep - below;
		double interpolated = schedule[below] + fraction * (schedule[below + 1] - schedule[below]);
		assertEquals(t.alphaCumprod, interpolated, 1e-9);
		// -ln ᾱ ≈ Σβ = 1e-4 t + 1e-5 t² for this schedule: a quadratic in t gives the same neighbourhood
		double approx = (-1e-4 + Math.sqrt(1e-8 + 4 * 1e-5 * Math.log(1 + sigma * sigma))) / (2 * 1e-5);
		assertEquals(approx, t.timestep, 1.0);
	}

	@Test
	void integerTimestepNoiseLevelsMapBackToTheirTimestep() {
		float[] schedule = linearSchedule();
		for (int i : new int[] { 1, 10, 50, 250, 999 }) {
			double sigma = NoiseLevelTimestep.noiseLevel(schedule[i]);
			assertEquals(i, NoiseLevelTimestep.forSigma(schedule, sigma).timestep, 1e-4, "timestep " + i);
		}
	}

	@Test
	void timestepGrowsWithSigma() {
		float[] schedule = linearSchedule();
		double previous = -1;
		for (double sigma = 0.02; sigma < 5; sigma *= 1.3) {
			double t = NoiseLevelTimestep.forSigma(schedule, sigma).timestep;
			assertTrue(t > previous, "sigma " + sigma);
			previous = t;
		}
	}

	@Test
	void tooLittleOrTooMuchNoise() {
		float[] schedule = linearSchedule();
		NoiseLevelTimestep none = NoiseLevelTimestep.forSigma(schedule, 0);
		assertEquals(0, none.timestep);
		assertEquals(schedule[0], none.alphaCumprod, 0);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NoiseLevelTimestep.forSigma(
			schedule, 1000));
		assertTrue(e.getMessage().contains("last timestep"), e.getMessage());
	}
}
