package org.diffusionij.schedulers;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.diffusionij.io.ConfigJson;

/**
 * Builds schedulers from a diffusers {@code scheduler_config.json} as diffusers' {@code from_config} does:
 * the folder's own class by {@code _class_name}, or any other scheduler class from the same config (keys the
 * target class does not have are ignored, keys listed in {@code _use_default_values} take the target's
 * defaults). When the folder's own class is built, its {@link ConfigJson#unusedKeys()} afterwards names the
 * keys this plugin does not know, for the caller to report; like diffusers, it passes over keys that belong to
 * the other scheduler classes (Stable Diffusion 1.x's PNDM config carries DDIM's {@code clip_sample}).
 * <p>
 * A key the target class has is read with the target's meaning: a value diffusers' class would accept and
 * pass over is accepted (DPM-Solver's {@code variance_type}, which a DDPM config sets to {@code fixed_small},
 * matters only when learned), and a value that selects something this plugin does not implement is refused by
 * name ({@code thresholding = true}, PNDM with {@code prediction_type = sample}).
 */
public final class Schedulers {

	/** The diffusers class names this plugin implements. */
	public static final List<String> CLASS_NAMES = Collections.unmodifiableList(Arrays.asList(
		DDPMScheduler.CLASS_NAME, DDIMScheduler.CLASS_NAME, PNDMScheduler.CLASS_NAME,
		EulerDiscreteScheduler.CLASS_NAME, DPMSolverMultistepScheduler.CLASS_NAME));

	private Schedulers() {}

	/** The scheduler named by the config's {@code _class_name}. */
	public static Scheduler fromConfig(ConfigJson config) {
		String name = config.className();
		if (name == null) throw new IllegalArgumentException(config.source() + " has no _class_name.");
		return create(name, config);
	}

	/**
	 * A scheduler of class {@code className} configured from {@code config}, which may belong to another
	 * scheduler class (diffusers' {@code TargetScheduler.from_config(other.config)}).
	 */
	public static Scheduler create(String className, ConfigJson config) {
		ConfigJson view = new ConfigJson(withoutDefaults(config.json()), config.source());
		Scheduler s = construct(className, view);
		if (className.equals(config.className())) {
			Set<String> unused = new HashSet<>(view.unusedKeys());
			unused.removeAll(knownKeys());
			for (String k : config.json().keySet()) if (!unused.contains(k)) config.accept(k);
		}
		return s;
	}

	/**
	 * The config's own scheduler ({@code className} null) or {@code className} built from it, with the keys of
	 * {@code overrides} (or null) replacing the config's: a pipeline folder's scheduler as the user chose it.
	 */
	public static Scheduler create(String className, ConfigJson config, JsonObject overrides) {
		ConfigJson c = config;
		if (overrides != null && overrides.size() > 0) {
			JsonObject json = config.json().deepCopy();
			for (String key : overrides.keySet()) json.add(key, overrides.get(key));
			c = new ConfigJson(json, config.source());
		}
		return className == null ? fromConfig(c) : create(className, c);
	}

	private static Set<String> knownKeys;

	/** The config keys of all scheduler classes here, as their defaults write them. */
	private static synchronized Set<String> knownKeys() {
		if (knownKeys == null) {
			Set<String> keys = new HashSet<>();
			for (String name : CLASS_NAMES) {
				keys.addAll(construct(name, ConfigJson.parse("{}", "defaults")).config().keySet());
			}
			knownKeys = keys;
		}
		return knownKeys;
	}

	private static Scheduler construct(String className, ConfigJson c) {
		switch (className) {
			case DDPMScheduler.CLASS_NAME:
				return new DDPMScheduler(c);
			case DDIMScheduler.CLASS_NAME:
				return new DDIMScheduler(c);
			case PNDMScheduler.CLASS_NAME:
				return new PNDMScheduler(c);
			case EulerDiscreteScheduler.CLASS_NAME:
				return new EulerDiscreteScheduler(c);
			case DPMSolverMultistepScheduler.CLASS_NAME:
				return new DPMSolverMultistepScheduler(c);
			default:
				throw new IllegalArgumentException(c.source() + ": scheduler class '" + className +
					"' is not supported; supported are " + String.join(", ", CLASS_NAMES) + ".");
		}
	}

	/** A copy without the keys named in {@code _use_default_values} (diffusers' {@code extract_init_dict}). */
	private static JsonObject withoutDefaults(JsonObject json) {
		Set<String> defaults = new HashSet<>();
		JsonElement list = json.get("_use_default_values");
		if (list != null && list.isJsonArray()) {
			for (JsonElement e : (JsonArray) list) defaults.add(e.getAsString());
		}
		JsonObject out = new JsonObject();
		for (String k : json.keySet()) if (!defaults.contains(k)) out.add(k, json.get(k));
		return out;
	}
}
