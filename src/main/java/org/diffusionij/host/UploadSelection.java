package org.diffusionij.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.diffusionij.pipelines.train.TrainingFolder;

/**
 * The files of a model folder that Upload Model to Hub sends: every regular file but hidden ones (a name
 * starting with '.', as huggingface_hub leaves out {@code .git} and {@code .cache}) and the training state for
 * Resume, in the order huggingface_hub's {@code upload_folder} takes them (sorted by path, folder by folder).
 */
final class UploadSelection {

	final List<String> paths = new ArrayList<>();
	final List<String> left = new ArrayList<>();

	private UploadSelection() {}

	static UploadSelection of(Path dir) throws IOException {
		UploadSelection s = new UploadSelection();
		List<String> all;
		try (Stream<Path> files = Files.walk(dir)) {
			all = files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
				.sorted(BY_PARTS).collect(Collectors.toList());
		}
		for (String p : all) {
			boolean hidden = Arrays.stream(p.split("/")).anyMatch(part -> part.startsWith("."));
			boolean state = p.equals(TrainingFolder.STATE_JSON) || p.equals(TrainingFolder.STATE_TENSORS);
			(hidden || state ? s.left : s.paths).add(p);
		}
		return s;
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
