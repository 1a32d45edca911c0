package org.diffusionij.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A diffusers {@code config.json} / {@code scheduler_config.json}: typed getters with diffusers' defaults that
 * remember which keys were read, so that keys this plugin does not support are {@link #unusedKeys() reported by
 * name} instead of being ignored silently. Keys starting with {@code _} ({@code _class_name},
 * {@code _diffusers_version}, …) are bookkeeping and never reported.
 */
public final class ConfigJson {

	private final JsonObject json;
	private final String source;
	private final Set<String> read = new LinkedHashSet<>();

	public ConfigJson(JsonObject json, String source) {
		this.json = json;
		this.source = source;
	}

	public static ConfigJson load(Path file) throws IOException {
		return new ConfigJson(JsonFiles.readObject(file, "a JSON object of settings"), file.toString());
	}

	public static ConfigJson parse(String text, String source) {
		return new ConfigJson(JsonParser.parseString(text).getAsJsonObject(), source);
	}

	/** Where the config came from, for messages. */
	public String source() {
		return source;
	}

	public JsonObject json() {
		return json;
	}

	/** The {@code _class_name}, or null. */
	public String className() {
		JsonElement e = json.get("_class_name");
		return e == null || e.isJsonNull() ? null : e.getAsString();
	}

	public boolean has(String key) {
		JsonElement e = json.get(key);
		return e != null && !e.isJsonNull();
	}

	private JsonElement get(String key) {
		read.add(key);
		JsonElement e = json.get(key);
		return e == null || e.isJsonNull() ? null : e;
	}

	public int getInt(String key, int dflt) {
		JsonElement e = get(key);
		return e == null ? dflt : whole(key, e, e);
	}

	/** An integer that may be null in the file (returns null then, or when absent). */
	public Integer getIntOrNull(String key) {
		JsonElement e = get(key);
		return e == null ? null : whole(key, e, e);
	}

	public double getDouble(String key, double dflt) {
		JsonElement e = get(key);
		return e == null ? dflt : number(key, e, e);
	}

	public boolean getBoolean(String key, boolean dflt) {
		JsonElement e = get(key);
		if (e == null) return dflt;
		if (e.isJsonPrimitive()) {
			String v = e.getAsString();
			if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) return Boolean.parseBoolean(v);
		}
		throw wrong(key, e, "true or false");
	}

	public String getString(String key, String dflt) {
		JsonElement e = get(key);
		if (e == null) return dflt;
		if (!e.isJsonPrimitive()) throw wrong(key, e, "a text");
		return e.getAsString();
	}

	public int[] getInts(String key, int[] dflt) {
		JsonElement e = get(key);
		if (e == null) return dflt;
		if (!e.isJsonArray()) return new int[] { whole(key, e, e) };
		JsonArray a = e.getAsJsonArray();
		int[] out = new int[a.size()];
		for (int i = 0; i < out.length; i++) out[i] = whole(key, a.get(i), e);
		return out;
	}

	public double[] getDoubles(String key, double[] dflt) {
		JsonElement e = get(key);
		if (e == null) return dflt;
		JsonArray a = list(key, e, "a list of numbers");
		double[] out = new double[a.size()];
		for (int i = 0; i < out.length; i++) out[i] = number(key, a.get(i), e);
		return out;
	}

	public String[] getStrings(String key, String[] dflt) {
		JsonElement e = get(key);
		if (e == null) return dflt;
		JsonArray a = list(key, e, "a list of names");
		String[] out = new String[a.size()];
		for (int i = 0; i < out.length; i++) {
			if (!a.get(i).isJsonPrimitive()) throw wrong(key, e, "a list of names");
			out[i] = a.get(i).getAsString();
		}
		return out;
	}

	private int whole(String key, JsonElement e, JsonElement value) {
		String expected = value.isJsonArray() ? "a list of whole numbers" : "a whole number";
		double d = number(key, e, value, expected);
		if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) throw wrong(key, value, expected);
		return (int) d;
	}

	private double number(String key, JsonElement e, JsonElement value) {
		return number(key, e, value, value.isJsonArray() ? "a list of numbers" : "a number");
	}

	private double number(String key, JsonElement e, JsonElement value, String expected) {
		if (e.isJsonPrimitive() && !e.getAsJsonPrimitive().isBoolean()) {
			try {
				return e.getAsDouble(); // a number, or a number written as text (Gson reads both)
			}
			catch (NumberFormatException x) {
				// not a number: said below
			}
		}
		throw wrong(key, value, expected);
	}

	private JsonArray list(String key, JsonElement e, String expected) {
		if (!e.isJsonArray()) throw wrong(key, e, expected);
		return e.getAsJsonArray();
	}

	/** The message for a value of the wrong kind: the file, the key, the value as written, what belongs there. */
	private IllegalArgumentException wrong(String key, JsonElement value, String expected) {
		String text = value.toString();
		if (text.length() > 60) text = text.substring(0, 57) + "...";
		return new IllegalArgumentException(source + ": \"" + key + "\" is " + text + ", but it must be " + expected +
			". Correct the value or download or copy the model folder again.");
	}

	/** Marks keys as understood although no getter read them (for example keys whose value is irrelevant). */
	public void accept(String... keys) {
		for (String k : keys) read.add(k);
	}

	/** Keys present in the file that no getter read, sorted; bookkeeping keys ({@code _…}) excluded. */
	public List<String> unusedKeys() {
		Set<String> out = new TreeSet<>();
		for (String k : json.keySet()) {
			if (!k.startsWith("_") && !read.contains(k)) out.add(k);
		}
		return new ArrayList<>(out);
	}

	/**
	 * Writes a JSON object the way diffusers' {@code save_config} does ({@link DiffusersJson}: sorted keys,
	 * two-space indent, Python number and string forms), to a temporary file moved into place.
	 */
	public static void write(JsonObject json, Path file) throws IOException {
		byte[] text = DiffusersJson.toJsonString(json).getBytes(StandardCharsets.UTF_8);
		AtomicFiles.write(file, ch -> {
			ByteBuffer b = ByteBuffer.wrap(text);
			while (b.hasRemaining()) ch.write(b);
		});
	}
}
