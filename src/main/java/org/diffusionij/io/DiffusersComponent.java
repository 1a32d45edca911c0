package org.diffusionij.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One component folder of a diffusers model ({@code unet/}, {@code scheduler/}, {@code vae/}, …), or a
 * stand-alone model folder as {@code UNet2DModel.save_pretrained} writes it: a config and, for models, weights.
 * Model classes build themselves from {@link #config()} and {@link #loadWeights}; the config is read afresh on
 * each call so that every consumer gets its own record of {@link ConfigJson#unusedKeys() unused keys}.
 */
public final class DiffusersComponent {

	/** Config file names: models (diffusers and transformers), schedulers, tokenizers, image processors. */
	static final String[] CONFIG_NAMES = { "config.json", "scheduler_config.json", "tokenizer_config.json",
		"preprocessor_config.json" };

	private final Path dir;
	private final String variant;

	private DiffusersComponent(Path dir, String variant) {
		this.dir = dir;
		this.variant = variant;
	}

	/** Opens a component folder; {@code variant} ({@code "fp16"} or null) selects variant weight files. */
	public static DiffusersComponent open(Path dir, String variant) throws IOException {
		if (!Files.isDirectory(dir)) {
			throw new IOException("Missing folder " + dir + ". The model folder is incomplete; download or copy " +
				"the whole folder again.");
		}
		return new DiffusersComponent(dir, variant);
	}

	public static DiffusersComponent open(Path dir) throws IOException {
		return open(dir, null);
	}

	public Path dir() {
		return dir;
	}

	/** The folder name, which is the component name in {@code model_index.json}. */
	public String name() {
		return String.valueOf(dir.getFileName());
	}

	/** The first of {@link #CONFIG_NAMES} that the folder has. */
	public Path configFile() throws IOException {
		for (String n : CONFIG_NAMES) {
			Path f = dir.resolve(n);
			if (Files.isRegularFile(f)) return f;
		}
		throw new IOException("Missing " + dir.resolve(CONFIG_NAMES[0]) + " (or " + CONFIG_NAMES[1] + "): the " +
			"component '" + name() + "' has no config. The model folder is incomplete; download or copy the " +
			"whole folder again.");
	}

	/** A fresh view of the config (see the class comment). */
	public ConfigJson config() throws IOException {
		return ConfigJson.load(configFile());
	}

	/** The config's {@code _class_name}, for example {@code UNet2DModel}, or null. */
	public String className() throws IOException {
		return config().className();
	}

	/** Locates the weight files (they are opened only when read). */
	public WeightFiles weights() throws IOException {
		return WeightFiles.find(dir, variant);
	}

	/** All weights by their diffusers names, floating point as float32, in {@code manager}. */
	public Map<String, NDArray> loadWeights(NDManager manager) throws IOException {
		return weights().load(manager);
	}
}
