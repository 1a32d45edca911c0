package org.diffusionij.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code weight_map} of a sharded checkpoint's {@code *.safetensors.index.json}: tensor name to shard file.
 * Shard names must be plain file names ending in {@code .safetensors} in the same folder, so an index can
 * neither point outside the model folder nor at a pickle file.
 */
final class ShardIndex {

	private ShardIndex() {}

	static Map<String, String> weightMap(Path index) throws IOException {
		JsonObject json = ConfigJson.load(index).json();
		JsonElement m = json.get("weight_map");
		if (m == null || !m.isJsonObject()) {
			throw new IOException(index + " has no weight_map object; it is not a sharded checkpoint index.");
		}
		Map<String, String> out = new LinkedHashMap<>();
		for (Map.Entry<String, JsonElement> e : m.getAsJsonObject().entrySet()) {
			JsonElement v = e.getValue();
			String file = v.isJsonPrimitive() && v.getAsJsonPrimitive().isString() ? v.getAsString() : "";
			if (!isPlainShardName(file)) {
				throw new IOException(index + " maps '" + e.getKey() + "' to " + v + ", which is not a " +
					".safetensors file in the same folder.");
			}
			out.put(e.getKey(), file);
		}
		if (out.isEmpty()) throw new IOException(index + " lists no tensors.");
		return out;
	}

	private static boolean isPlainShardName(String file) {
		return file.endsWith(".safetensors") && !file.startsWith(".") && file.indexOf('/') < 0 && file.indexOf(
			'\\') < 0 && file.indexOf(':') < 0;
	}
}
