package org.diffusionij.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.diffusionij.io.safetensors.SafetensorsException;
import org.diffusionij.io.safetensors.SafetensorsReader;
import org.diffusionij.io.safetensors.TensorInfo;

/**
 * The safetensors files that hold one component's weights, found by the names diffusers and transformers save
 * them under: {@code diffusion_pytorch_model.safetensors} (diffusers) or {@code model.safetensors}
 * (transformers, for example a text encoder), a variant such as {@code diffusion_pytorch_model.fp16.safetensors},
 * or shards listed in {@code diffusion_pytorch_model.safetensors.index.json}. A folder with only pickle weights
 * is refused by {@link PickleRefusal}; a folder with none gets a message that names what was expected.
 */
public final class WeightFiles {

	/** diffusers' file name stem, then transformers'. */
	static final String[] STEMS = { "diffusion_pytorch_model", "model" };

	private final Path dir;
	private final Path index;
	/** Tensor name to file, in load order; null for a single file (all its tensors). */
	private final Map<String, Path> weightMap;
	private final List<Path> files;

	private WeightFiles(Path dir, Path index, Map<String, Path> weightMap, List<Path> files) {
		this.dir = dir;
		this.index = index;
		this.weightMap = weightMap;
		this.files = files;
	}

	/**
	 * Finds the weights in {@code dir}. The {@code variant} (for example {@code "fp16"}) is preferred when
	 * given; otherwise, and when it is absent, the plain files are used, then an fp16 variant.
	 */
	public static WeightFiles find(Path dir, String variant) throws IOException {
		List<String> variants = new ArrayList<>();
		if (variant != null) variants.add(variant);
		variants.add(null);
		if (!variants.contains("fp16")) variants.add("fp16");
		for (String v : variants) {
			for (String stem : STEMS) {
				Path single = dir.resolve(stem + suffix(v) + ".safetensors");
				if (Files.isRegularFile(single)) {
					return new WeightFiles(dir, null, null, Collections.singletonList(single));
				}
				Path index = dir.resolve(stem + ".safetensors.index" + suffix(v) + ".json");
				if (Files.isRegularFile(index)) return sharded(dir, index);
			}
		}
		Path pickle = firstPickle(dir);
		if (pickle != null) throw PickleRefusal.refuse(pickle);
		throw new IOException("The folder " + dir + " has no weights: expected " + STEMS[0] + ".safetensors (or " +
			STEMS[1] + ".safetensors, an .fp16.safetensors variant, or a sharded .safetensors.index.json). The " +
			"model folder is incomplete; download or copy the whole folder again.");
	}

	private static String suffix(String variant) {
		return variant == null ? "" : "." + variant;
	}

	private static WeightFiles sharded(Path dir, Path index) throws IOException {
		Map<String, String> map = ShardIndex.weightMap(index);
		Map<String, Path> weightMap = new LinkedHashMap<>();
		List<Path> files = new ArrayList<>();
		for (Map.Entry<String, String> e : map.entrySet()) {
			Path shard = dir.resolve(e.getValue());
			if (!files.contains(shard)) {
				if (!Files.isRegularFile(shard)) {
					throw new IOException("Missing weight file " + shard + ", listed in " + index.getFileName() +
						". The model folder is incomplete; download or copy the whole folder again.");
				}
				files.add(shard);
			}
			weightMap.put(e.getKey(), shard);
		}
		return new WeightFiles(dir, index, weightMap, files);
	}

	private static Path firstPickle(Path dir) throws IOException {
		if (!Files.isDirectory(dir)) return null;
		try (Stream<Path> s = Files.list(dir)) {
			List<Path> pickles = s.filter(Files::isRegularFile).filter(PickleRefusal::isPickle).sorted().collect(
				Collectors.toList());
			return pickles.isEmpty() ? null : pickles.get(0);
		}
	}

	public Path dir() {
		return dir;
	}

	/** The weight files, in load order. */
	public List<Path> files() {
		return Collections.unmodifiableList(files);
	}

	/** The shard index, or null when the weights are one file. */
	public Path index() {
		return index;
	}

	/** Every tensor's dtype and shape, read from the headers only (for checks and memory estimates). */
	public Map<String, TensorInfo> tensors() throws IOException {
		Map<String, TensorInfo> out = new LinkedHashMap<>();
		for (Path f : files) {
			try (SafetensorsReader r = SafetensorsReader.open(f)) {
				for (String name : names(r, f)) out.put(name, r.info(name));
			}
		}
		return out;
	}

	/**
	 * Loads every tensor into {@code manager}: floating-point weights (F32, F16, BF16, F64) as float32, integer
	 * tensors (such as a text encoder's {@code position_ids}) as int64. Names are the files' keys verbatim.
	 */
	public Map<String, NDArray> load(NDManager manager) throws IOException {
		Map<String, NDArray> out = new LinkedHashMap<>();
		for (Path f : files) {
			try (SafetensorsReader r = SafetensorsReader.open(f)) {
				for (String name : names(r, f)) out.put(name, r.array(name, manager));
			}
		}
		return out;
	}

	/** The tensors to take from {@code f}: all of a single file, or those the shard index maps to it. */
	private List<String> names(SafetensorsReader r, Path f) throws SafetensorsException {
		if (weightMap == null) return new ArrayList<>(r.tensors().keySet());
		List<String> names = new ArrayList<>();
		for (Map.Entry<String, Path> e : weightMap.entrySet()) {
			if (!e.getValue().equals(f)) continue;
			if (!r.has(e.getKey())) {
				throw new SafetensorsException(index.getFileName() + " places '" + e.getKey() + "' in " +
					f.getFileName() + ", which does not contain it; the shards do not belong together.");
			}
			names.add(e.getKey());
		}
		return names;
	}
}
