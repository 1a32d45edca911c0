package org.diffusionij.updatesite;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The build step behind {@code target/update-site}: assembles the files the plugin needs in a Fiji
 * installation and writes them as an update site. Maven runs it in the {@code package} phase (see the
 * {@code update-site} executions in the pom); it lives with the tests so that it never ships in the plugin jar.
 * <p>
 * Arguments: the plugin jar, a file holding the class path of the libraries to ship (Maven's
 * {@code dependency:build-classpath} output, already filtered to what Fiji lacks), the models folder (may be
 * absent), the folder for the Fiji layout ({@code plugins/}, {@code jars/}, {@code models/}, recreated), the
 * folder for the site (recreated), and the plugin's description. The timestamp is the local time of the run,
 * like the updater's upload timestamp.
 */
public final class UpdateSiteStager {

	private UpdateSiteStager() {}

	public static void main(String[] args) throws IOException {
		if (args.length != 6) {
			throw new IllegalArgumentException("Usage: UpdateSiteStager <plugin.jar> <classpath-file> <models-dir> " +
				"<fiji-layout-dir> <site-dir> <description>");
		}
		Path fiji = Paths.get(args[3]);
		Path site = Paths.get(args[4]);
		String description = args[5];
		stage(Paths.get(args[0]), readClasspath(Paths.get(args[1])), Paths.get(args[2]), fiji);
		deleteRecursively(site);
		long timestamp = Long.parseLong(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss")));
		List<SiteFile> files = UpdateSiteWriter.write(fiji, site, timestamp, path -> describe(path, description));
		System.out.println("[update-site] " + files.size() + " files, timestamp " + timestamp + ", in " + site);
	}

	/** Copies the plugin jar into {@code plugins/}, the libraries into {@code jars/}, the models into {@code models/}. */
	static void stage(Path pluginJar, List<Path> libraries, Path models, Path fiji) throws IOException {
		deleteRecursively(fiji);
		Path plugins = Files.createDirectories(fiji.resolve("plugins"));
		Files.copy(pluginJar, plugins.resolve(pluginJar.getFileName().toString()));
		Path jars = Files.createDirectories(fiji.resolve("jars"));
		for (Path library : libraries) Files.copy(library, jars.resolve(library.getFileName().toString()));
		if (Files.isDirectory(models)) copyTree(models, fiji.resolve("models"));
	}

	/** The entries of a class path file that name jars; an empty file means no libraries. */
	static List<Path> readClasspath(Path classpathFile) throws IOException {
		String text = new String(Files.readAllBytes(classpathFile), StandardCharsets.UTF_8).trim();
		List<Path> jars = new ArrayList<>();
		if (text.isEmpty()) return jars;
		for (String entry : text.split(File.pathSeparator)) {
			if (!entry.endsWith(".jar")) throw new IllegalArgumentException("Not a jar on the class path: " + entry);
			jars.add(Paths.get(entry));
		}
		return jars;
	}

	static String describe(String path, String pluginDescription) {
		if (path.startsWith("plugins/")) return pluginDescription;
		if (path.startsWith("jars/")) return "Library that Diffusion for ImageJ needs and Fiji does not ship.";
		return "Bundled model file of Diffusion for ImageJ (diffusers layout).";
	}

	private static void copyTree(Path from, Path to) throws IOException {
		try (Stream<Path> walk = Files.walk(from)) {
			for (Path p : (Iterable<Path>) walk::iterator) {
				Path target = to.resolve(from.relativize(p).toString());
				if (Files.isDirectory(p)) Files.createDirectories(target);
				else Files.copy(p, target);
			}
		}
	}

	static void deleteRecursively(Path dir) throws IOException {
		if (!Files.exists(dir)) return;
		try (Stream<Path> walk = Files.walk(dir)) {
			for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) Files.delete(p);
		}
	}
}
