package org.diffusionij.pipelines.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.junit.jupiter.api.Test;

/**
 * Stein's unbiased risk estimate against a closed-form case: Gaussian data x ~ N(0, S) with noise of variance
 * σ², where E[x | y] = S/(S + σ²)·y and the error of any linear denoiser a·y is known exactly,
 * (1 − a)²S + a²σ². The estimate, from the noisy data alone, must give that error and the same best a.
 */
class SureObjectiveTest {

	private static final double S = 0.09, SIGMA = 0.2;

	/** Clean x ~ N(0, S), its noisy y = x + σn and a probe, 4 images of 128², from {@code seed}. */
	private static NDArray[] gaussianData(NDManager m, int seed) {
		Generator g = Generator.manualSeed(seed);
		Shape shape = new Shape(4, 1, 128, 128);
		NDArray x = g.randn(m, shape).mul((float) Math.sqrt(S));
		NDArray y = x.add(g.randn(m, shape).mul((float) SIGMA));
		float v = (float) (SIGMA * SIGMA);
		return new NDArray[] { x, y, g.randn(m, shape), m.create(new float[] { v, v, v, v }) };
	}

	@Test
	void estimateMatchesTheTrueErrorOfLinearDenoisersAndTheirOptimum() {
		DiffusionEngine.start();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			NDArray[] data = gaussianData(m, 5);
			NDArray x = data[0], y = data[1], probe = data[2], variance = data[3];
			double bestA = 0, bestSure = Double.MAX_VALUE;
			for (double a = 0.3; a <= 1.0001; a += 0.05) {
				float af = (float) a;
				NDArray d = y.mul(af);
				double sure = SureObjective.estimate(y, d, y.add(probe.mul(SureObjective.DELTA)).mul(af), probe, variance,
					null).mean().getFloat();
				double trueError = d.sub(x).square().mean().getFloat();
				double closedForm = (1 - a) * (1 - a) * S + a * a * SIGMA * SIGMA;
				assertEquals(closedForm, trueError, 0.03 * closedForm, "true error of a = " + a);
				assertEquals(trueError, sure, 0.03 * closedForm, "SURE of a = " + a);
				if (sure < bestSure) {
					bestSure = sure;
					bestA = a;
				}
			}
			assertEquals(S / (S + SIGMA * SIGMA), bestA, 0.05, "SURE's best linear denoiser is E[x | y]");
		}
	}

	/**
	 * Weights that do not depend on the noise (here on x's own magnitude, as the camera-unit weights of
	 * Poisson–Gaussian data depend on the smoothed signal): the weighted estimate gives the weighted true error
	 * (divided by the mean weight), which differs from the unweighted one.
	 */
	@Test
	void weightedEstimateMatchesTheWeightedTrueError() {
		DiffusionEngine.start();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			NDArray[] data = gaussianData(m, 6);
			NDArray x = data[0], y = data[1], probe = data[2], variance = data[3];
			NDArray w = x.abs().add(0.05f).square();
			// a denoiser that shrinks large values less: its error differs where the weights are large
			NDArray d = y.mul(y.abs().mul(0.5f).add(0.5f).minimum(1f));
			NDArray dProbe = y.add(probe.mul(SureObjective.DELTA));
			dProbe = dProbe.mul(dProbe.abs().mul(0.5f).add(0.5f).minimum(1f));
			double sure = SureObjective.estimate(y, d, dProbe, probe, variance, w).mean().getFloat();
			double weighted = d.sub(x).square().mul(w).mean().getFloat() / w.mean().getFloat();
			double plain = d.sub(x).square().mean().getFloat();
			assertEquals(weighted, sure, 0.03 * weighted);
			assertTrue(Math.abs(plain - weighted) > 0.1 * weighted, plain + " vs " + weighted);
		}
	}
}
