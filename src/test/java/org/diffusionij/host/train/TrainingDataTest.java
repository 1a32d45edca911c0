package org.diffusionij.host.train;

import static org.junit.jupiter.api.Assertions.*;

import ij.ImagePlus;
import ij.process.FloatProcessor;
import java.util.Random;
import org.diffusionij.Fixtures;
import org.diffusionij.pipelines.GeneralizedAnscombe;
import org.diffusionij.pipelines.Normalization;
import org.diffusionij.pipelines.train.PatchSampler;
import org.diffusionij.pipelines.train.TrainingSettings;
import org.junit.jupiter.api.Test;

/**
 * Poisson–Gaussian planes carry weights that make an error after the Anscombe transform count as it does in camera
 * units: about (transformed level)², smooth (not following each pixel's noise); Gaussian and clean data carry none.
 */
class TrainingDataTest {

	private static final double GAIN = 2, OFFSET = 100, READ = 2;

	/** 5 photons on the left half, 80 on the right, in camera units. */
	private static ImagePlus twoLevels(Random r) {
		FloatProcessor fp = new FloatProcessor(64, 64);
		for (int y = 0; y < 64; y++) {
			for (int x = 0; x < 64; x++) {
				double photons = x < 32 ? 5 : 80;
				fp.setf(x, y, (float) (OFFSET + GAIN * Fixtures.poisson(photons, r) + READ * r.nextGaussian()));
			}
		}
		return new ImagePlus("two levels", fp);
	}

	private static TrainingSettings keys(TrainingSettings.Noise noise) {
		TrainingSettings s = new TrainingSettings();
		s.noise = noise;
		s.noiseSigma = READ;
		s.gain = GAIN;
		s.offset = OFFSET;
		return s;
	}

	@Test
	void poissonGaussianPlanesWeighErrorsAsCameraUnitsDo() {
		ImagePlus image = twoLevels(new Random(1));
		PatchSampler.Plane p = TrainingData.of(image, Normalization.percentile(), keys(TrainingSettings.Noise
			.POISSON_GAUSSIAN)).planes.get(0);
		assertNotNull(p.weight);
		// the transformed values' mean level on each half
		float[] z = ((float[]) image.getProcessor().convertToFloat().getPixels()).clone();
		new GeneralizedAnscombe(GAIN, OFFSET, READ).forward(z);
		double left = 0, right = 0;
		for (int i = 0; i < z.length; i++) {
			if (i % 64 < 32) left += z[i] / (z.length / 2.0);
			else right += z[i] / (z.length / 2.0);
		}
		double expected = right * right / (left * left);
		double dark = p.weight[16 * 64 + 8], bright = p.weight[16 * 64 + 56];
		assertEquals(expected, bright / dark, 0.1 * expected, "weights ∝ z²");
		// smooth: neighbours within 20 % of each other away from the edge (a pixel's own noise weighs 1/(4πσ²) ≈ 2 % in
		// its blurred level), where the transformed values themselves vary by ±20 % and more
		for (int x = 4; x < 26; x++) assertEquals(dark, p.weight[40 * 64 + x], 0.2 * dark);
	}

	@Test
	void gaussianAndCleanPlanesCarryNoWeights() {
		ImagePlus image = twoLevels(new Random(2));
		assertNull(TrainingData.of(image, Normalization.percentile(), keys(TrainingSettings.Noise.GAUSSIAN)).planes.get(0)
			.weight);
		assertNull(TrainingData.of(image, Normalization.percentile()).planes.get(0).weight);
	}
}
