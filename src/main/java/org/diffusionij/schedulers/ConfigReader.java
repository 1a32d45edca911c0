package org.diffusionij.schedulers;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.Arrays;
import org.diffusionij.io.ConfigJson;

/**
 * Reads a scheduler's config keys with the diffusers class's defaults and records each value in use, so
 * that {@link Scheduler#config()} writes back exactly what the scheduler runs with. A key whose value names a
 * feature this plugin does not implement is refused with a message naming key and value, instead of being
 * silently ignored.
 */
final class ConfigReader {

	private final ConfigJson config;
	private final JsonObject values = new JsonObject();

	ConfigReader(ConfigJson config) {
		this.config = config;
	}

	String source() {
		return config.source();
	}

	int getInt(String key, int dflt) {
		int v = config.getInt(key, dflt);
		values.addProperty(key, v);
		return v;
	}

	double getDouble(String key, double dflt) {
		double v = config.getDouble(key, dflt);
		values.addProperty(key, v);
		return v;
	}

	/** A number that may be null (diffusers' {@code Optional[float]}). */
	Double getDoubleOrNull(String key) {
		if (!config.has(key)) {
			config.accept(key);
			values.add(key, JsonNull.INSTANCE);
			return null;
		}
		return getDouble(key, 0);
	}

	boolean getBoolean(String key, boolean dflt) {
		boolean v = config.getBoolean(key, dflt);
		values.addProperty(key, v);
		return v;
	}

	/** A string that must be one of {@code supported}. */
	String getString(String key, String dflt, String... supported) {
		String v = config.getString(key, dflt);
		if (!Arrays.asList(supported).contains(v)) throw unsupported(key, v, String.join(", ", supported));
		if (v == null) values.add(key, JsonNull.INSTANCE);
		else values.addProperty(key, v);
		return v;
	}

	/**
	 * A string whose value matters to this class only when it is one of {@code refused}, which this plugin does
	 * not implement: any other value (including null) is kept as read and means the class's default behaviour,
	 * as in diffusers, which tests such a key for a few values only. DPM-Solver's {@code variance_type} is the
	 * case: diffusers checks it for {@code learned} / {@code learned_range} and passes over the
	 * {@code fixed_small} that a DDPM config carries into {@code DPMSolverMultistepScheduler.from_config}.
	 */
	String getStringRefusing(String key, String dflt, String supported, String... refused) {
		String v = config.getString(key, dflt);
		if (Arrays.asList(refused).contains(v)) throw unsupported(key, v, supported);
		if (v == null) values.add(key, JsonNull.INSTANCE);
		else values.addProperty(key, v);
		return v;
	}

	/** A list of numbers, or null. */
	double[] getDoubles(String key) {
		double[] v = config.getDoubles(key, null);
		if (v == null) values.add(key, JsonNull.INSTANCE);
		else {
			JsonArray a = new JsonArray();
			for (double d : v) a.add(d);
			values.add(key, a);
		}
		return v;
	}

	/** A boolean feature switch this plugin implements only when off. */
	void requireOff(String key) {
		if (getBoolean(key, false)) throw unsupported(key, "true", "false");
	}

	IllegalArgumentException unsupported(String key, Object value, String supported) {
		return new IllegalArgumentException(config.source() + ": " + key + " = " + value +
			" is not supported by this plugin (supported: " + supported + ").");
	}

	/** The values read so far, under {@code _class_name}. */
	JsonObject toJson(String className) {
		JsonObject out = new JsonObject();
		out.addProperty("_class_name", className);
		for (String k : values.keySet()) out.add(k, values.get(k).deepCopy());
		return out;
	}
}
