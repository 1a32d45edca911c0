package org.diffusionij.schedulers;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.io.ConfigJson;
import org.junit.jupiter.api.Test;

/**
 * PNDM's bookkeeping (which timestep each call steps from and to, the Runge–Kutta warm-up, the repeated first
 * PLMS step) checked by a property: if the network always predicts the exact noise ε of
 * x<sub>t</sub> = √ᾱ<sub>t</sub> x₀ + √(1−ᾱ<sub>t</sub>) ε, every update stays on that path, so the whole
 * schedule must end at x₀ (with {@code set_alpha_to_one}). A call paired with the wrong timestep leaves the path.
 */
class PNDMExactNoiseTest {

	private static void endsAtCleanSample(boolean skipPrkSteps, int steps, int expectedCalls) {
		ConfigJson c = ConfigJson.parse("{\"skip_prk_steps\": " + skipPrkSteps + ", \"set_alpha_to_one\": true, " +
			"\"beta_schedule\": \"scaled_linear\", \"beta_start\": 0.00085, \"beta_end\": 0.012, \"steps_offset\": 1}",
			"test");
		try (NDManager m = NDManager.newBaseManager(Device.cpu()); Scheduler s = new PNDMScheduler(c)) {
			Generator generator = Generator.manualSeed(steps);
			s.setTimesteps(steps);
			float[] t = s.timesteps();
			assertEquals(expectedCalls, t.length);
			NDArray x0 = m.randomUniform(-1, 1, new Shape(1, 2, 4, 4)), eps = m.randomNormal(new Shape(1, 2, 4, 4));
			NDArray x = s.addNoise(x0, eps, new float[] { t[0] });
			for (float timestep : t) x = s.step(eps, timestep, x, generator).prevSample;
			float err = x.sub(x0).abs().max().getFloat();
			assertTrue(err < 1e-4f, "skip_prk_steps " + skipPrkSteps + ": ends " + err + " from x0");
		}
	}

	@Test
	void plmsStaysOnTheExactPath() {
		DiffusionEngine.start();
		endsAtCleanSample(true, 10, 11);
		endsAtCleanSample(true, 2, 3);
	}

	@Test
	void rungeKuttaWarmUpStaysOnTheExactPath() {
		DiffusionEngine.start();
		endsAtCleanSample(false, 10, 19);
		endsAtCleanSample(false, 4, 13);
	}

	@Test
	void rungeKuttaTimestepsAreDiffusers() {
		Scheduler s = new PNDMScheduler(ConfigJson.parse("{\"steps_offset\": 1}", "test"));
		s.setTimesteps(10);
		assertArrayEquals(new float[] { 901, 851, 851, 801, 801, 751, 751, 701, 701, 651, 651, 601, 601, 501, 401,
			301, 201, 101, 1 }, s.timesteps());
	}
}
