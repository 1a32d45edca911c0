package org.diffusionij.io;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The diffusers model folders a user can pick from: the bundled defaults (a {@code models/} folder next to the
 * plugin's jar, or the project's {@code models/} when running from a build) and folders the user added. A
 * folder counts as a model when it has {@code model_index.json}; a folder of models contributes each model one
 * level down. Folders whose index cannot be read are kept in {@link #problems()} with the reason, so a dialog can
 * say why a model is not offered instead of hiding it.
 */
public final class ModelCatalog {

	/** One model folder found. */
	public static final class Entry {

		public final String name;
		public final Path folder;
		/** The pipeline class from {@code model_index.json}, for example {@code DDPMPipeline}. */
		public final String pipelineClass;
		public final boolean bundled;

		Entry(Path folder, String pipelineClass, boolean bundled) {
			this.name = String.valueOf(folder.getFileName());
			this.folder = folder;
			this.pipelineClass = pipelineClass;
			this.bundled = bundled;
		}

		@Override
		public String toString() {
			return name + " (" + pipelineClass + (bundled ? ", bundled" : "") + ")";
		}
	}

	/** The bundled denoiser, which Denoise Image uses and training fine-tunes when no model is named. */
	public static final String DEFAULT_DENOISER = "denoise-gray";

	private final Map<Path, Entry> entries = new LinkedHashMap<>();
	private final Map<Path, String> problems = new LinkedHashMap<>();

	/** A catalog of the bundled models found from where {@code anchor}'s classes were loaded. */
	public static ModelCatalog bundled(Class<?> anchor) throws IOException {
		ModelCatalog c = new ModelCatalog();
		for (Path root : bundledRoots(codeLocation(anchor))) c.scan(root, true);
		return c;
	}

	/**
	 * {@code models/} beside a jar or classes folder, one level up (a Fiji or ImageJ installation: the jar in
	 * {@code plugins/}, the update site's models in {@code Fiji.app/models/}), and beside a Maven project's
	 * {@code target/}.
	 */
	static List<Path> bundledRoots(Path codeLocation) {
		List<Path> roots = new ArrayList<>();
		if (codeLocation == null || codeLocation.getParent() == null) return roots;
		Path folder = codeLocation.getParent();
		Path beside = folder.resolve("models");
		if (Files.isDirectory(beside)) roots.add(beside);
		Path up = folder.getParent() == null ? null : folder.getParent().resolve("models");
		if (up != null && Files.isDirectory(up)) roots.add(up);
		return roots;
	}

	private static Path codeLocation(Class<?> anchor) {
		CodeSource src = anchor.getProtectionDomain().getCodeSource();
		if (src == null || src.getLocation() == null) return null;
		try {
			return Paths.get(src.getLocation().toURI()).toAbsolutePath();
		}
		catch (URISyntaxException | IllegalArgumentException e) {
			return null;
		}
	}

	/**
	 * The model folder a user named with {@code key=nameOrPath}: an existing folder, else the bundled model of
	 * that name. The folder is returned as an absolute path; whether it holds the right kind of model is for
	 * its loader to say.
	 *
	 * @throws IllegalArgumentException naming the key, when it is neither
	 */
	public static Path resolve(String key, String nameOrPath) {
		String name = nameOrPath == null ? "" : nameOrPath.trim();
		if (name.isEmpty()) throw new IllegalArgumentException("Set " + key + "= to a model folder or a bundled " +
			"model's name.");
		Path path = Paths.get(name);
		if (Files.isDirectory(path)) return path.toAbsolutePath().normalize();
		ModelCatalog bundled;
		try {
			bundled = bundled(ModelCatalog.class);
		}
		catch (IOException e) {
			throw new IllegalArgumentException(key + "=" + name + ": no such folder, and the bundled models cannot " +
				"be listed (" + e.getMessage() + ").", e);
		}
		Entry e = bundled.find(name);
		if (e != null) return e.folder;
		List<String> names = new ArrayList<>();
		for (Entry b : bundled.entries()) names.add(b.name);
		throw new IllegalArgumentException(key + "=" + name + ": no such folder, and no bundled model of that name (" +
			(names.isEmpty() ? "none is installed: the bundled models live in models/ beside the plugin jar" :
				"bundled: " + String.join(", ", names)) + "). Give the folder of a diffusers model.");
	}

	/** Adds a model folder chosen by the user, or every model in a folder of models. */
	public ModelCatalog addUserFolder(Path folder) throws IOException {
		scan(folder, false);
		return this;
	}

	private void scan(Path root, boolean bundled) throws IOException {
		if (Files.isRegularFile(root.resolve(ModelIndex.FILE_NAME))) {
			add(root, bundled);
			return;
		}
		if (!Files.isDirectory(root)) return;
		try (Stream<Path> s = Files.list(root)) {
			for (Path p : s.sorted().collect(Collectors.toList())) {
				if (Files.isRegularFile(p.resolve(ModelIndex.FILE_NAME))) add(p, bundled);
			}
		}
	}

	private void add(Path folder, boolean bundled) {
		Path key = folder.toAbsolutePath().normalize();
		if (entries.containsKey(key)) return;
		try {
			String pipeline = DiffusersFolder.open(key).pipelineClass();
			if (pipeline == null) problems.put(key, ModelIndex.FILE_NAME + " names no pipeline (_class_name).");
			else entries.put(key, new Entry(key, pipeline, bundled));
		}
		catch (IOException e) {
			problems.put(key, e.getMessage());
		}
	}

	/** Models found, in the order their roots were added, each root's models by name. */
	public List<Entry> entries() {
		return Collections.unmodifiableList(new ArrayList<>(entries.values()));
	}

	/** The first model with this folder name, or null. */
	public Entry find(String name) {
		for (Entry e : entries.values()) {
			if (e.name.equals(name)) return e;
		}
		return null;
	}

	/** Folders that look like models but cannot be used, with the reason. */
	public Map<Path, String> problems() {
		return Collections.unmodifiableMap(problems);
	}
}
