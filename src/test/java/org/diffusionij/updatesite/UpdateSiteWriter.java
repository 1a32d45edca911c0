package org.diffusionij.updatesite;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns a folder laid out like a Fiji installation ({@code plugins/}, {@code jars/}, {@code models/}) into an
 * update site that Fiji's updater reads: every file stored as {@code <path>-<timestamp>} next to a {@code
 * db.xml.gz} that lists it with its {@link UpdaterChecksum updater checksum}, size, description and
 * dependencies. All files get the same timestamp, as in one upload of the updater; the jars in {@code
 * plugins/} depend on every jar in {@code jars/}, so installing the plugin installs its libraries.
 * <p>
 * Names starting with a dot are left out, as the updater ignores them.
 */
public final class UpdateSiteWriter {

	/** The index file of an update site. */
	public static final String INDEX = "db.xml.gz";

	private UpdateSiteWriter() {}

	/**
	 * @param fijiTree the Fiji-layout folder whose files the site serves
	 * @param siteDir an empty or absent folder that receives the site
	 * @param timestamp upload time as {@code yyyyMMddHHmmss}
	 * @param describe one-line description for a Fiji-relative path
	 * @return the records written to the index, sorted by path
	 */
	public static List<SiteFile> write(Path fijiTree, Path siteDir, long timestamp, Function<String, String> describe)
		throws IOException
	{
		List<String> paths = relativePaths(fijiTree);
		List<SiteFile> files = new ArrayList<>();
		Files.createDirectories(siteDir);
		for (String path : paths) {
			Path source = fijiTree.resolve(path);
			SiteFile f = new SiteFile(path, UpdaterChecksum.of(path, source), Files.size(source), timestamp,
				describe.apply(path));
			Path stored = siteDir.resolve(f.storedName());
			Files.createDirectories(stored.getParent());
			Files.copy(source, stored);
			files.add(f);
		}
		for (SiteFile plugin : files) {
			if (!isJarIn(plugin.path, "plugins/")) continue;
			for (SiteFile library : files) {
				if (isJarIn(library.path, "jars/")) plugin.addDependency(library.path);
			}
		}
		try (OutputStream out = Files.newOutputStream(siteDir.resolve(INDEX))) {
			DbXmlWriter.write(files, out);
		}
		return files;
	}

	private static boolean isJarIn(String path, String folder) {
		return path.startsWith(folder) && path.endsWith(".jar");
	}

	/** Regular files under {@code root} as sorted forward-slash paths, skipping dot names at any depth. */
	static List<String> relativePaths(Path root) throws IOException {
		try (Stream<Path> walk = Files.walk(root)) {
			return walk.filter(Files::isRegularFile)
				.map(p -> root.relativize(p))
				.filter(UpdateSiteWriter::visible)
				.map(p -> p.toString().replace('\\', '/'))
				.sorted()
				.collect(Collectors.toList());
		}
	}

	private static boolean visible(Path relative) {
		for (Path part : relative) {
			if (part.toString().startsWith(".")) return false;
		}
		return true;
	}
}
