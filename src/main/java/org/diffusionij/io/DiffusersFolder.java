package org.diffusionij.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A diffusers pipeline folder as {@code save_pretrained} writes it and as users download it from the Hugging
 * Face Hub: {@code model_index.json} naming the components, and one subfolder per component. Opening checks only
 * the index; each component is checked when it is asked for, with a message that names the missing file.
 */
public final class DiffusersFolder {

	private final Path dir;
	private final ModelIndex index;
	private final String variant;

	private DiffusersFolder(Path dir, ModelIndex index, String variant) {
		this.dir = dir;
		this.index = index;
		this.variant = variant;
	}

	public static DiffusersFolder open(Path dir) throws IOException {
		return open(dir, null);
	}

	/** Opens a folder; {@code variant} ({@code "fp16"} or null) prefers variant weight files. */
	public static DiffusersFolder open(Path dir, String variant) throws IOException {
		if (Files.isRegularFile(dir)) {
			// a file chooser may hand us the index itself
			if (String.valueOf(dir.getFileName()).equals(ModelIndex.FILE_NAME)) return open(dir.toAbsolutePath()
				.getParent(), variant);
			throw new IOException(dir + " is a file; choose the model folder, the one with " + ModelIndex.FILE_NAME +
				".");
		}
		if (!Files.isDirectory(dir)) throw new IOException("The model folder " + dir + " does not exist.");
		Path indexFile = dir.resolve(ModelIndex.FILE_NAME);
		if (!Files.isRegularFile(indexFile)) {
			throw new IOException("Missing " + indexFile + ": " + dir.getFileName() + " is not a diffusers model " +
				"folder." + hint(dir));
		}
		return new DiffusersFolder(dir, ModelIndex.load(indexFile), variant);
	}

	private static String hint(Path dir) {
		for (String config : DiffusersComponent.CONFIG_NAMES) {
			if (Files.isRegularFile(dir.resolve(config))) {
				return " It looks like one component of a model (it has " + config + "); choose the folder above " +
					"it, the one with " + ModelIndex.FILE_NAME + ".";
			}
		}
		return " A diffusers model folder has " + ModelIndex.FILE_NAME + " and one subfolder per component " +
			"(unet/, scheduler/, …).";
	}

	public Path dir() {
		return dir;
	}

	public ModelIndex index() {
		return index;
	}

	/** The pipeline class, for example {@code DDPMPipeline} or {@code StableDiffusionPipeline}. */
	public String pipelineClass() {
		return index.pipelineClass();
	}

	public List<String> componentNames() {
		return index.componentNames();
	}

	public boolean has(String component) {
		return index.component(component) != null;
	}

	/** {@code [library, class]} as {@code model_index.json} lists it, or null. */
	public String[] componentClass(String component) {
		return index.component(component);
	}

	/** A component named in the index; its folder must exist. */
	public DiffusersComponent component(String name) throws IOException {
		if (!has(name)) {
			throw new IOException(dir.resolve(ModelIndex.FILE_NAME) + " lists no component '" + name + "' (it " +
				"lists " + String.join(", ", componentNames()) + "); this model is not of the kind expected here.");
		}
		Path sub = dir.resolve(name);
		if (!Files.isDirectory(sub)) {
			throw new IOException("Missing folder " + sub + ", which " + ModelIndex.FILE_NAME + " lists. The " +
				"model folder is incomplete; download or copy the whole folder again.");
		}
		return DiffusersComponent.open(sub, variant);
	}
}
