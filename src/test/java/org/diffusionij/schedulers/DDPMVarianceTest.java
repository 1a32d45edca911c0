package org.diffusionij.schedulers;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.io.ConfigJson;
import org.junit.jupiter.api.Test;

/**
 * DDPM's {@code variance_type}s against the paper's formulas: the noise a step adds is σ<sub>t</sub>·z with
 * σ<sub>t</sub>² = β̃<sub>t</sub> = (1−ᾱ<sub>t−1</sub>)/(1−ᾱ<sub>t</sub>)·β<sub>t</sub> ({@code fixed_small},
 * {@code fixed_small_log}) or β<sub>t</sub> ({@code fixed_large}), and {@code learned_range} interpolates their
 * logs with the network's second half of channels (v = −1 gives β̃, v = +1 gives β).
 */
class DDPMVarianceTest {

	private static final int T = 500;

	/** prev_sample(z = 1) − prev_sample(z = 0): the standard deviation the step applies to its noise. */
	private static float noiseScale(String varianceType, float v) {
		ConfigJson c = ConfigJson.parse("{\"variance_type\": \"" + varianceType + "\"}", "test");
		try (NDManager m = NDManager.newBaseManager(Device.cpu()); Scheduler s = new DDPMScheduler(c)) {
			s.setTimesteps(10);
			NDArray sample = m.ones(new Shape(1, 1, 2, 2)).mul(0.3f);
			NDArray out = varianceType.startsWith("learned") ? m.zeros(new Shape(1, 2, 2, 2)).add(v) : m.zeros(
				new Shape(1, 1, 2, 2));
			if (varianceType.startsWith("learned")) out.set(new NDIndex(":, 0"), 0.1f);
			float one = s.step(out, T + 100, sample, (mm, shape) -> mm.ones(shape)).prevSample.getFloat(0, 0, 0, 0);
			float zero = s.step(out, T + 100, sample, (mm, shape) -> mm.zeros(shape)).prevSample.getFloat(0, 0, 0, 0);
			return one - zero;
		}
	}

	@Test
	void varianceTypesFollowTheDdpmPaper() {
		DiffusionEngine.start();
		float[] acp = new DDPMScheduler(ConfigJson.parse("{}", "test")).schedule().alphasCumprod();
		int t = T + 100, prev = T;
		double beta = 1 - (double) acp[t] / acp[prev];
		double betaTilde = (1 - acp[prev]) / (1 - acp[t]) * beta;
		assertEquals(Math.sqrt(betaTilde), noiseScale("fixed_small", 0), 1e-5);
		assertEquals(Math.sqrt(betaTilde), noiseScale("fixed_small_log", 0), 1e-5);
		assertEquals(Math.sqrt(beta), noiseScale("fixed_large", 0), 1e-5);
		assertEquals(Math.sqrt(beta), noiseScale("learned_range", 1), 1e-5);
		assertEquals(Math.sqrt(betaTilde), noiseScale("learned_range", -1), 1e-5);
		assertEquals(Math.sqrt(Math.sqrt(beta * betaTilde)), noiseScale("learned_range", 0), 1e-5);
		assertThrows(IllegalArgumentException.class, () -> new DDPMScheduler(ConfigJson.parse(
			"{\"variance_type\": \"fixed_large_log\"}", "test")));
	}
}
