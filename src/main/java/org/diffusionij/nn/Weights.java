package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.diffusionij.io.safetensors.SafetensorsReader;

/** Reads a diffusers safetensors checkpoint into a name-to-array map (a state dict) for a model to load. */
public final class Weights {

	private Weights() {}

	/** Every tensor of {@code file} as float32 (or int64) arrays in {@code manager}, by key. */
	public static Map<String, NDArray> read(Path file, NDManager manager) throws IOException {
		Map<String, NDArray> out = new LinkedHashMap<>();
		try (SafetensorsReader r = SafetensorsReader.open(file)) {
			for (String name : r.tensors().keySet()) {
				NDArray a = r.array(name, manager);
				a.setName(name);
				out.put(name, a);
			}
		}
		return out;
	}
}
