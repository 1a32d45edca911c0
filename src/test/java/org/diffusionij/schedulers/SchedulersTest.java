package org.diffusionij.schedulers;

import static org.diffusionij.Fixtures.fixture;
import static org.diffusionij.schedulers.SchedulerFixture.*;
import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.Collections;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.io.safetensors.SafetensorsReader;
import org.junit.jupiter.api.Test;

/** Building schedulers from {@code scheduler_config.json} with diffusers' {@code from_config} rules. */
class SchedulersTest {

	private static ConfigJson stableDiffusionPndm() throws Exception {
		return ConfigJson.load(fixture("tiny-sd-pipe/scheduler/scheduler_config.json"));
	}

	@Test
	void eulerFromStableDiffusionPndmConfigInheritsLeadingSpacing() throws Exception {
		ConfigJson pndm = stableDiffusionPndm();
		Scheduler euler = Schedulers.create(EulerDiscreteScheduler.CLASS_NAME, pndm);
		euler.setTimesteps(5);
		assertArrayEquals(new float[] { 801, 601, 401, 201, 1 }, euler.timesteps());
		assertEquals(5.2309, euler.initNoiseSigma(), 1e-4);
		assertEquals("leading", euler.config().get("timestep_spacing").getAsString());
		assertTrue(pndm.unusedKeys().contains("skip_prk_steps"), "building another class marks nothing read");

		Scheduler plain = new EulerDiscreteScheduler(ConfigJson.parse(
			"{\"beta_schedule\": \"scaled_linear\", \"beta_start\": 0.00085, \"beta_end\": 0.012}", "default"));
		plain.setTimesteps(5);
		assertEquals(999, plain.timesteps()[0]);
		assertEquals(0, plain.timesteps()[4]);
		assertEquals(14.6146, plain.initNoiseSigma(), 1e-4);
	}

	@Test
	void pndmFromItsOwnConfigMakesSixCallsForFiveSteps() throws Exception {
		ConfigJson pndm = stableDiffusionPndm();
		try (Scheduler s = Schedulers.fromConfig(pndm)) {
			assertEquals(Collections.emptyList(), pndm.unusedKeys());
			s.setTimesteps(5);
			assertArrayEquals(new float[] { 801, 601, 601, 401, 201, 1 }, s.timesteps());
		}
	}

	@Test
	void keysSavedAsDefaultsTakeTheTargetClassDefaults() throws Exception {
		try (SafetensorsReader r = open("scheduler_euler")) {
			// the Euler config lists timestep_spacing "linspace" under _use_default_values: DDIM keeps "leading"
			ConfigJson euler = config(r, EulerDiscreteScheduler.CLASS_NAME);
			Scheduler ddim = Schedulers.create(DDIMScheduler.CLASS_NAME, euler);
			ddim.setTimesteps(10);
			assertEquals(901, ddim.timesteps()[0], "leading spacing with the config's steps_offset 1");
			assertEquals(0.012, ddim.config().get("beta_end").getAsDouble(), 0);
		}
	}

	@Test
	void unknownKeysOfTheOwnClassAreReportedByName() {
		ConfigJson c = ConfigJson.parse("{\"_class_name\": \"DDIMScheduler\", \"_diffusers_version\": \"0.1\", " +
			"\"beta_schedule\": \"scaled_linear\", \"karras_magic\": 3, \"clip_sample\": false}", "scheduler_config.json");
		Schedulers.fromConfig(c);
		assertEquals(Arrays.asList("karras_magic"), c.unusedKeys());

		// Stable Diffusion 1.5's PNDM config carries DDIM's clip_sample, which diffusers passes over
		ConfigJson sd15 = ConfigJson.parse("{\"_class_name\": \"PNDMScheduler\", \"beta_end\": 0.012, " +
			"\"beta_schedule\": \"scaled_linear\", \"beta_start\": 0.00085, \"clip_sample\": false, " +
			"\"num_train_timesteps\": 1000, \"set_alpha_to_one\": false, \"skip_prk_steps\": true, " +
			"\"steps_offset\": 1, \"trained_betas\": null}", "sd15");
		Schedulers.fromConfig(sd15);
		assertEquals(Collections.emptyList(), sd15.unusedKeys());
	}

	@Test
	void unsupportedValuesAreRefusedByName() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedulers.fromConfig(
			ConfigJson.parse("{\"_class_name\": \"DDPMScheduler\", \"thresholding\": true}", "cfg")));
		assertTrue(e.getMessage().contains("thresholding"), e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> Schedulers.fromConfig(ConfigJson.parse(
			"{\"_class_name\": \"DPMSolverMultistepScheduler\", \"algorithm_type\": \"sde-dpmsolver++\"}", "cfg")));
		assertTrue(e.getMessage().contains("algorithm_type = sde-dpmsolver++"), e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> Schedulers.fromConfig(ConfigJson.parse(
			"{\"_class_name\": \"LMSDiscreteScheduler\"}", "cfg")));
		assertTrue(e.getMessage().contains("LMSDiscreteScheduler"), e.getMessage());
	}

	@Test
	void configWritesBackWhatItRunsWith() throws Exception {
		for (String name : Schedulers.CLASS_NAMES) {
			Scheduler s = Schedulers.create(name, stableDiffusionPndm());
			JsonObject saved = s.config();
			assertEquals(name, saved.get("_class_name").getAsString());
			ConfigJson again = new ConfigJson(saved, "saved");
			Scheduler t = Schedulers.fromConfig(again);
			assertEquals(Collections.emptyList(), again.unusedKeys(), name);
			assertEquals(saved, t.config(), name);
			s.setTimesteps(7);
			t.setTimesteps(7);
			assertArrayEquals(s.timesteps(), t.timesteps(), name);
			assertArrayEquals(s.schedule().alphasCumprod(), t.schedule().alphasCumprod(), name);
		}
	}

	@Test
	void trainedBetasReplaceTheSchedule() {
		float[] linear = new DDPMScheduler(ConfigJson.parse("{}", "default")).schedule().betas();
		JsonObject c = new JsonObject();
		JsonArray betas = new JsonArray();
		for (float b : linear) betas.add(b);
		c.add("trained_betas", betas);
		c.addProperty("beta_schedule", "scaled_linear");
		Scheduler s = new DDIMScheduler(new ConfigJson(c, "trained"));
		assertArrayEquals(linear, s.schedule().betas());
		c.addProperty("num_train_timesteps", 999);
		assertThrows(IllegalArgumentException.class, () -> new DDIMScheduler(new ConfigJson(c, "trained")));
	}

	@Test
	void trailingSpacingKeepsTheStepCountWhereNumpyAddsOne() {
		// np.arange(1000, 0, -1000/61) has 62 values; diffusers would end at timestep -1
		Scheduler ddim = new DDIMScheduler(ConfigJson.parse("{\"timestep_spacing\": \"trailing\"}", "cfg"));
		ddim.setTimesteps(61);
		float[] t = ddim.timesteps();
		assertEquals(61, t.length);
		assertEquals(999, t[0]);
		assertEquals(15, t[60]);
	}

	@Test
	void ddimFromTheDdpmFolderConfigHasDiffusersValues() throws Exception {
		ConfigJson ddpm = ConfigJson.load(fixture("tiny-ddpm/scheduler/scheduler_config.json"));
		JsonObject ours = Schedulers.create(DDIMScheduler.CLASS_NAME, ddpm).config();
		try (SafetensorsReader r = open("ddim_pipeline")) {
			// the config diffusers' DDIMScheduler.from_config(DDPM config) reported in its DDIMPipeline run
			JsonObject theirs = meta(r).getAsJsonObject("scheduler_config");
			for (String key : ours.keySet()) assertEquals(theirs.get(key), ours.get(key), key);
			assertTrue(ours.get("set_alpha_to_one").getAsBoolean(), "DDIM's own default, not saved by DDPM");
		}
	}
}
