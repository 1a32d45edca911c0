package org.diffusionij.schedulers;

import static org.diffusionij.Fixtures.assertMatches;
import static org.diffusionij.Fixtures.fixture;
import static org.diffusionij.Fixtures.maxAbsDiff;
import static org.diffusionij.schedulers.SchedulerFixture.*;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.io.safetensors.SafetensorsReader;
import org.junit.jupiter.api.Test;

/**
 * The training-side functions against diffusers ({@code add_noise}, {@code get_velocity}), and the seed
 * contract: with the engine seeded as {@code torch.Generator().manual_seed(0)}, DDPM's own noise draws
 * reproduce diffusers' DDPMPipeline run step for step.
 */
class NoiseAndSeedTest {

	@Test
	void addNoiseAndVelocityMatchDiffusers() throws Exception {
		DiffusionEngine.start();
		try (SafetensorsReader r = open("scheduler_ddpm_add_noise"); NDManager m = NDManager.newBaseManager(Device.cpu());
			Scheduler s = new DDPMScheduler(ConfigJson.parse("{}", "defaults")))
		{
			long[] t = r.longs("timesteps");
			float[] timesteps = new float[t.length];
			for (int i = 0; i < t.length; i++) timesteps[i] = t[i];
			NDArray original = r.array("original", m), noise = r.array("noise", m);
			assertMatches(r, "noisy", s.addNoise(original, noise, timesteps), 1e-6f);
			assertMatches(r, "velocity", s.getVelocity(original, noise, timesteps), 1e-6f);
			assertThrows(IllegalArgumentException.class, () -> s.addNoise(original, noise, new float[] { 1, 2 }));
			assertThrows(IllegalArgumentException.class, () -> s.addNoise(original, noise, new float[] { 1000 }));
		}
	}

	@Test
	void seededEngineReproducesDdpmPipeline() throws Exception {
		DiffusionEngine.start();
		ConfigJson config = ConfigJson.load(fixture("tiny-ddpm/scheduler/scheduler_config.json"));
		try (SafetensorsReader r = open("ddpm_pipeline"); NDManager outer = NDManager.newBaseManager(Device.cpu());
			Scheduler s = Schedulers.fromConfig(config))
		{
			assertTrue(config.unusedKeys().isEmpty(), config.unusedKeys().toString());
			s.setTimesteps(10);
			float[] t = s.timesteps();
			long[] expected = r.longs("timesteps");
			for (int i = 0; i < t.length; i++) assertEquals(expected[i], t[i], "timestep " + i);
			Generator generator = Generator.manualSeed(0);
			NDArray x = generator.randn(outer, new ai.djl.ndarray.types.Shape(r.info("initial_noise").shape));
			assertMatches(r, "initial_noise", x, 0f);
			for (int i = 0; i < t.length; i++) {
				try (NDManager scope = outer.newSubManager()) {
					SchedulerOutput out = s.step(r.array("model_output_" + i, scope), t[i], x, generator);
					assertMatches(r, "sample_" + i, out.prevSample, 1e-4f);
					x.close();
					x = out.prevSample;
					x.attach(outer);
				}
			}
		}
	}

	/**
	 * The sigma-space forward process of Euler and DPM-Solver is the same q(x_t | x_0) as DDPM's: Euler's
	 * scaled (x₀ + σε)/√(σ²+1) and DPM-Solver's α x₀ + σ_t ε equal √ᾱ x₀ + √(1−ᾱ) ε.
	 */
	@Test
	void sigmaSpaceAddNoiseAgreesWithDdpm() throws Exception {
		DiffusionEngine.start();
		String schedule = "{\"beta_schedule\": \"scaled_linear\", \"beta_start\": 0.00085, \"beta_end\": 0.012, " +
			"\"timestep_spacing\": \"leading\", \"steps_offset\": 1}";
		try (SafetensorsReader r = open("scheduler_ddpm_add_noise"); NDManager m = NDManager.newBaseManager(Device.cpu());
			Scheduler ddpm = new DDPMScheduler(ConfigJson.parse(schedule, "ddpm"));
			Scheduler euler = new EulerDiscreteScheduler(ConfigJson.parse(schedule, "euler"));
			Scheduler dpm = new DPMSolverMultistepScheduler(ConfigJson.parse(schedule, "dpm")))
		{
			euler.setTimesteps(10);
			dpm.setTimesteps(10);
			NDArray original = r.array("original", m).get("0:2"), noise = r.array("noise", m).get("0:2");
			float[] dpmT = { 901, 451 }; // in DPM-Solver's leading schedule, which differs from Euler's
			float[] fromDpm = dpm.addNoise(original, noise, dpmT).toFloatArray();
			assertTrue(maxAbsDiff(fromDpm, ddpm.addNoise(original, noise, dpmT).toFloatArray()) < 1e-5f, "DPM-Solver");
			float[] t = { 901, 301 };
			NDArray noisy = euler.addNoise(original, noise, t);
			for (int b = 0; b < 2; b++) {
				float[] scaled = euler.scaleModelInput(noisy.get(b), t[b]).toFloatArray();
				float[] want = ddpm.addNoise(original.get(b + ":" + (b + 1)), noise.get(b + ":" + (b + 1)),
					new float[] { t[b] }).toFloatArray();
				assertTrue(maxAbsDiff(scaled, want) < 1e-5f, "Euler add_noise at " + t[b]);
				euler.setTimesteps(10);
			}
		}
	}
}
