package org.diffusionij.schedulers;

import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.net.URL;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.io.ConfigJson;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every scheduler class built from the scheduler configs of real Hub folders, as diffusers'
 * {@code TargetScheduler.from_config(folder_scheduler.config)} builds it (configuration_utils'
 * {@code extract_init_dict}): the target takes the keys of its own {@code __init__} signature from the config,
 * passes over the rest, and falls back to its defaults for what the config lacks. The configs under
 * {@code src/test/resources/hub-schedulers} are the published {@code scheduler/scheduler_config.json} files of
 * the repositories they are named after; the tiny DDPM fixture adds a config saved by the diffusers that made
 * the reference tensors, with {@code clip_sample_range} and the other keys a current diffusers writes.
 */
class HubConfigsTest {

	/** diffusers' {@code __init__} keys per class, at the commit the reference fixtures were made with. */
	static final Map<String, List<String>> INIT_KEYS = new HashMap<>();
	static {
		List<String> betas = Arrays.asList("num_train_timesteps", "beta_start", "beta_end", "beta_schedule",
			"trained_betas");
		INIT_KEYS.put(DDPMScheduler.CLASS_NAME, join(betas, "variance_type", "clip_sample", "prediction_type",
			"thresholding", "dynamic_thresholding_ratio", "clip_sample_range", "sample_max_value", "timestep_spacing",
			"steps_offset", "rescale_betas_zero_snr"));
		INIT_KEYS.put(DDIMScheduler.CLASS_NAME, join(betas, "clip_sample", "set_alpha_to_one", "steps_offset",
			"prediction_type", "thresholding", "dynamic_thresholding_ratio", "clip_sample_range", "sample_max_value",
			"timestep_spacing", "rescale_betas_zero_snr"));
		INIT_KEYS.put(PNDMScheduler.CLASS_NAME, join(betas, "skip_prk_steps", "set_alpha_to_one", "prediction_type",
			"timestep_spacing", "steps_offset"));
		INIT_KEYS.put(EulerDiscreteScheduler.CLASS_NAME, join(betas, "prediction_type", "interpolation_type",
			"use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas", "sigma_min", "sigma_max",
			"timestep_spacing", "timestep_type", "steps_offset", "rescale_betas_zero_snr", "final_sigmas_type"));
		INIT_KEYS.put(DPMSolverMultistepScheduler.CLASS_NAME, join(betas, "solver_order", "prediction_type",
			"thresholding", "dynamic_thresholding_ratio", "sample_max_value", "algorithm_type", "solver_type",
			"lower_order_final", "euler_at_final", "use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas",
			"use_lu_lambdas", "use_flow_sigmas", "flow_shift", "final_sigmas_type", "lambda_min_clipped",
			"variance_type", "timestep_spacing", "steps_offset", "rescale_betas_zero_snr", "use_dynamic_shifting",
			"time_shift_type"));
	}

	/** Hub folders' scheduler configs (file name = repository), and the tiny DDPM fixture's. */
	static final List<String> CONFIGS = Arrays.asList("google-ddpm-cifar10-32", "runwayml-stable-diffusion-v1-5",
		"stabilityai-stable-diffusion-2-1", "stabilityai-stable-diffusion-2",
		"stabilityai-stable-diffusion-xl-base-1.0", "tiny-ddpm");

	private static List<String> join(List<String> a, String... b) {
		List<String> out = new ArrayList<>(a);
		out.addAll(Arrays.asList(b));
		return out;
	}

	static ConfigJson hubConfig(String name) throws Exception {
		if (name.equals("tiny-ddpm")) return ConfigJson.load(fixture("tiny-ddpm/scheduler/scheduler_config.json"));
		URL url = HubConfigsTest.class.getResource("/hub-schedulers/" + name + ".json");
		assertNotNull(url, name);
		Path p = Paths.get(url.toURI());
		return ConfigJson.load(p);
	}

	@Test
	void theInitKeysAreThoseOfEveryClassHere() {
		assertEquals(new TreeSet<>(Schedulers.CLASS_NAMES), new TreeSet<>(INIT_KEYS.keySet()));
		for (String name : Schedulers.CLASS_NAMES) {
			Set<String> written = new TreeSet<>(Schedulers.create(name, ConfigJson.parse("{}", "defaults")).config()
				.keySet());
			written.remove("_class_name");
			assertEquals(new TreeSet<>(INIT_KEYS.get(name)), written, name + " writes diffusers' init keys");
		}
	}

	@TestFactory
	Stream<DynamicTest> everyClassFromEveryHubConfig() {
		List<DynamicTest> tests = new ArrayList<>();
		for (String config : CONFIGS) {
			for (String target : Schedulers.CLASS_NAMES) {
				tests.add(DynamicTest.dynamicTest(target + " from " + config, () -> check(config, target)));
			}
		}
		return tests.stream();
	}

	/**
	 * Builds {@code target} from the config, checks it took exactly the config's values for its own keys, and
	 * runs ten steps; then builds it from the config cut down to the target's keys with the values it uses
	 * (for DPM-Solver without a {@code fixed_*} {@code variance_type}) and checks the numbers are the same, bit
	 * for bit: the keys passed over change nothing.
	 */
	private static void check(String configName, String target) throws Exception {
		ConfigJson config = hubConfig(configName);
		Scheduler s = Schedulers.create(target, config);
		assertEquals(target, s.className());
		JsonObject saved = s.config();
		Set<String> passedDefaults = defaults(config.json());
		for (String key : INIT_KEYS.get(target)) {
			JsonElement theirs = config.json().get(key);
			if (theirs == null || passedDefaults.contains(key)) continue;
			assertTrue(sameValue(theirs, saved.get(key)), target + " from " + configName + ": " + key + " = " +
				saved.get(key) + ", config has " + theirs);
		}
		if (!target.equals(config.className())) {
			assertTrue(config.unusedKeys().containsAll(nonBookkeepingKeys(config.json())),
				"building another class reports nothing about the folder's own keys");
		}

		JsonObject cut = new JsonObject();
		for (String key : INIT_KEYS.get(target)) {
			if (config.json().has(key) && !passedDefaults.contains(key)) cut.add(key, config.json().get(key));
		}
		if (target.equals(DPMSolverMultistepScheduler.CLASS_NAME)) cut.remove("variance_type");
		Scheduler plain = Schedulers.create(target, new ConfigJson(cut, configName + " cut to " + target));
		assertArrayEquals(run(plain), run(s), target + " from " + configName);
	}

	private static Set<String> defaults(JsonObject json) {
		Set<String> out = new LinkedHashSet<>();
		if (json.has("_use_default_values")) {
			for (JsonElement e : json.getAsJsonArray("_use_default_values")) out.add(e.getAsString());
		}
		return out;
	}

	private static Set<String> nonBookkeepingKeys(JsonObject json) {
		Set<String> out = new TreeSet<>();
		for (String k : json.keySet()) if (!k.startsWith("_")) out.add(k);
		return out;
	}

	/** JSON equality that reads 1 and 1.0 as the same number. */
	private static boolean sameValue(JsonElement a, JsonElement b) {
		if (a.isJsonPrimitive() && b.isJsonPrimitive() && a.getAsJsonPrimitive().isNumber() &&
			b.getAsJsonPrimitive().isNumber()) return a.getAsDouble() == b.getAsDouble();
		return a.equals(b);
	}

	/**
	 * Ten steps of a pipeline loop on an 8×8 sample with a stand-in network (a fixed affine map of its input
	 * and timestep) and seeded noise: the timesteps, then every step's result, concatenated.
	 */
	static float[] run(Scheduler s) {
		DiffusionEngine.start();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			Generator g = Generator.manualSeed(7);
			NDArray sample = g.randn(m, new Shape(1, 1, 8, 8)).mul(s.initNoiseSigma());
			s.setTimesteps(10);
			float[] t = s.timesteps();
			List<float[]> parts = new ArrayList<>();
			parts.add(t);
			for (float ti : t) {
				NDArray input = s.scaleModelInput(sample, ti);
				NDArray output = input.mul(0.3f).add(input.sin().mul(0.2f)).add(ti / 1000f);
				sample = s.step(output, ti, sample, g).prevSample;
				float[] v = sample.toFloatArray();
				for (float x : v) assertTrue(Float.isFinite(x), s.className() + " at t = " + ti);
				parts.add(v);
			}
			int n = 0;
			for (float[] p : parts) n += p.length;
			float[] out = new float[n];
			int at = 0;
			for (float[] p : parts) {
				System.arraycopy(p, 0, out, at, p.length);
				at += p.length;
			}
			return out;
		}
	}

	@Test
	void dpmSolverFromADdpmConfigRefusesOnlyLearnedVariance() throws Exception {
		for (String kind : new String[] { "fixed_small", "fixed_small_log", "fixed_large", "fixed_large_log" }) {
			JsonObject json = hubConfig("google-ddpm-cifar10-32").json().deepCopy();
			json.addProperty("variance_type", kind);
			Scheduler s = Schedulers.create(DPMSolverMultistepScheduler.CLASS_NAME, new ConfigJson(json, kind));
			assertEquals(kind, s.config().get("variance_type").getAsString(), "written back as diffusers does");
		}
		for (String kind : new String[] { "learned", "learned_range" }) {
			JsonObject json = hubConfig("google-ddpm-cifar10-32").json().deepCopy();
			json.addProperty("variance_type", kind);
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedulers.create(
				DPMSolverMultistepScheduler.CLASS_NAME, new ConfigJson(json, "scheduler_config.json")));
			assertTrue(e.getMessage().contains("variance_type = " + kind), e.getMessage());
		}
	}

	@Test
	void aKeyTheTargetUsesAndDoesNotSupportStillFails() throws Exception {
		// PNDM has prediction_type but only epsilon and v_prediction, as in diffusers (which raises at step)
		JsonObject json = hubConfig("google-ddpm-cifar10-32").json().deepCopy();
		json.addProperty("prediction_type", "sample");
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedulers.create(
			PNDMScheduler.CLASS_NAME, new ConfigJson(json, "scheduler_config.json")));
		assertTrue(e.getMessage().contains("prediction_type"), e.getMessage());
		// thresholding is a key of DDPM, DDIM and DPM-Solver, not implemented in any of them
		json.addProperty("prediction_type", "epsilon");
		json.addProperty("thresholding", true);
		for (String target : Arrays.asList(DDIMScheduler.CLASS_NAME, DPMSolverMultistepScheduler.CLASS_NAME)) {
			e = assertThrows(IllegalArgumentException.class, () -> Schedulers.create(target, new ConfigJson(json,
				"scheduler_config.json")));
			assertTrue(e.getMessage().contains("thresholding = true"), e.getMessage());
		}
		// ... but Euler and PNDM have no such key, and pass over it as diffusers does
		Schedulers.create(EulerDiscreteScheduler.CLASS_NAME, new ConfigJson(json, "scheduler_config.json"));
		Schedulers.create(PNDMScheduler.CLASS_NAME, new ConfigJson(json, "scheduler_config.json"));
	}
}
