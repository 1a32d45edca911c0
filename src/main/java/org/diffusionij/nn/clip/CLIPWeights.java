package org.diffusionij.nn.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.diffusionij.io.safetensors.SafetensorsException;
import org.diffusionij.io.safetensors.SafetensorsReader;
import org.diffusionij.io.safetensors.TensorInfo;

/**
 * Hands out the tensors of a transformers CLIP text encoder checkpoint by their verbatim names, checking each
 * shape against the config. Problems are collected rather than thrown one by one, so that {@link #finish()}
 * names every missing, unexpected and mis-shaped tensor at once: a user with a wrong file sees all of it.
 */
final class CLIPWeights {

	/** Buffers that transformers may save but that are not weights (position ids are recomputed). */
	private static final Set<String> IGNORED = new LinkedHashSet<>(Arrays.asList(
		"text_model.embeddings.position_ids"));

	private final SafetensorsReader reader;
	private final NDManager manager;
	private final DataType dtype;
	private final Set<String> taken = new LinkedHashSet<>();
	private final List<String> missing = new ArrayList<>();
	private final List<String> misShaped = new ArrayList<>();

	CLIPWeights(SafetensorsReader reader, NDManager manager, DataType dtype) {
		this.reader = reader;
		this.manager = manager;
		this.dtype = dtype;
	}

	/** The named tensor in the model's dtype and manager, or null (recorded) when absent or mis-shaped. */
	NDArray take(String name, long... shape) throws IOException {
		taken.add(name);
		if (!reader.has(name)) {
			missing.add(name + " " + Arrays.toString(shape));
			return null;
		}
		TensorInfo info = reader.info(name);
		if (!Arrays.equals(info.shape, shape)) {
			misShaped.add(name + " is " + Arrays.toString(info.shape) + ", the config needs " +
				Arrays.toString(shape));
			return null;
		}
		NDArray f32 = reader.array(name, manager);
		if (dtype == DataType.FLOAT32) return f32;
		NDArray cast = f32.toType(dtype, false);
		f32.close();
		return cast;
	}

	/** Throws one exception listing every problem found by {@link #take} and every unexpected tensor. */
	void finish() throws SafetensorsException {
		List<String> unexpected = new ArrayList<>();
		for (String name : reader.tensors().keySet()) {
			if (!taken.contains(name) && !IGNORED.contains(name)) unexpected.add(name);
		}
		if (missing.isEmpty() && misShaped.isEmpty() && unexpected.isEmpty()) return;
		StringBuilder b = new StringBuilder(reader.path().getFileName() + " (in " + reader.path().getParent() +
			") does not match its config.json as a transformers CLIPTextModel.");
		list(b, "Missing", missing);
		list(b, "Wrong shape", misShaped);
		list(b, "Unexpected", unexpected);
		throw new SafetensorsException(b.toString());
	}

	private static void list(StringBuilder b, String what, List<String> names) {
		if (names.isEmpty()) return;
		b.append("\n").append(what).append(" (").append(names.size()).append("): ");
		int shown = Math.min(names.size(), 12);
		b.append(String.join(", ", names.subList(0, shown)));
		if (shown < names.size()) b.append(", … ").append(names.size() - shown).append(" more");
	}
}
