package org.diffusionij.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pipeline's {@code model_index.json}: the pipeline class and, per component folder, the library and class
 * that diffusers would instantiate ({@code "unet": ["diffusers", "UNet2DModel"]}). Entries written as
 * {@code [null, null]} are optional components the pipeline was saved without (Stable Diffusion's
 * {@code safety_checker}); other keys ({@code requires_safety_checker}) are pipeline settings, left in
 * {@link #json()}.
 */
public final class ModelIndex {

	public static final String FILE_NAME = "model_index.json";

	private final JsonObject json;
	private final Map<String, String[]> components = new LinkedHashMap<>();
	private final List<String> absent = new ArrayList<>();

	private ModelIndex(JsonObject json, String source) throws IOException {
		this.json = json;
		for (Map.Entry<String, JsonElement> e : json.entrySet()) {
			if (e.getKey().startsWith("_") || !e.getValue().isJsonArray()) continue;
			JsonArray a = e.getValue().getAsJsonArray();
			if (a.size() != 2) continue;
			if (a.get(0).isJsonNull() && a.get(1).isJsonNull()) {
				absent.add(e.getKey());
				continue;
			}
			if (!isString(a.get(0)) || !isString(a.get(1))) {
				throw new IOException(source + ": component '" + e.getKey() + "' should name a library and a " +
					"class, like [\"diffusers\", \"UNet2DModel\"], but is " + a + ".");
			}
			components.put(e.getKey(), new String[] { a.get(0).getAsString(), a.get(1).getAsString() });
		}
	}

	public static ModelIndex load(Path file) throws IOException {
		return new ModelIndex(ConfigJson.load(file).json(), file.toString());
	}

	private static boolean isString(JsonElement e) {
		return e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
	}

	/** The pipeline class ({@code _class_name}), for example {@code DDPMPipeline}; null when missing. */
	public String pipelineClass() {
		JsonElement e = json.get("_class_name");
		return e == null || !isString(e) ? null : e.getAsString();
	}

	/** Component names in file order. */
	public List<String> componentNames() {
		return Collections.unmodifiableList(new ArrayList<>(components.keySet()));
	}

	/** {@code [library, class]} of a component, or null when the index does not list it. */
	public String[] component(String name) {
		String[] c = components.get(name);
		return c == null ? null : c.clone();
	}

	/** Optional components saved as {@code [null, null]}. */
	public List<String> absentComponents() {
		return Collections.unmodifiableList(absent);
	}

	public JsonObject json() {
		return json;
	}
}
