package org.diffusionij.io.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The files of a model folder an upload sends, by their path in the repository: every regular file but hidden
 * ones (a name starting with '.', as huggingface_hub leaves out {@code .git} and {@code .cache}) and the paths
 * the caller leaves out, in the order huggingface_hub's {@code upload_folder} takes them (sorted by path, part
 * by part). A path may be given another local file ({@link #replace}), so that a completed model card goes up
 * without the folder being written to.
 */
public final class UploadSelection {

	/** Path in the repository → local file. */
	public final Map<String, Path> files = new LinkedHashMap<>();
	/** The paths found and not sent. */
	public final List<String> left = new ArrayList<>();

	private UploadSelection() {}

	/** @param leftOut paths relative to {@code dir}, with '/', that are not sent */
	public static UploadSelection of(Path dir, Set<String> leftOut) throws IOException {
		UploadSelection s = new UploadSelection();
		List<String> all;
		try (Stream<Path> files = Files.walk(dir)) {
			all = files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
				.sorted(BY_PARTS).collect(Collectors.toList());
		}
		for (String p : all) {
			boolean hidden = Arrays.stream(p.split("/")).anyMatch(part -> part.startsWith("."));
			if (hidden || leftOut.contains(p)) s.left.add(p);
			else s.files.put(p, dir.resolve(p));
		}
		return s;
	}

	/** Sends {@code file} as {@code path} (added in its sorted place when the folder has no such file). */
	public void replace(String path, Path file) {
		files.put(path, file);
		List<String> paths = new ArrayList<>(files.keySet());
		paths.sort(BY_PARTS);
		Map<String, Path> sorted = new LinkedHashMap<>();
		for (String p : paths) sorted.put(p, files.get(p));
		files.clear();
		files.putAll(sorted);
	}

	/** Python's order of paths: part by part, so "unet/x" comes before "unet-extra/x". */
	static final Comparator<String> BY_PARTS = (a, b) -> {
		String[] x = a.split("/"), y = b.split("/");
		for (int i = 0; i < Math.min(x.length, y.length); i++) {
			int c = x[i].compareTo(y[i]);
			if (c != 0) return c;
		}
		return Integer.compare(x.length, y.length);
	};
}
