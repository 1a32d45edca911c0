package org.diffusionij.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Checks where a command will write before it computes anything: the folder exists and may be written, and the
 * output is none of the command's inputs, also when a symbolic link, a hard link or a relative path
 * ({@code ./a/../in.tif}) names the same file. The input is never overwritten, and a long run does not end in
 * "cannot write".
 */
public final class OutputPaths {

	private OutputPaths() {}

	/**
	 * Checks an output file ({@code output=FILE}).
	 *
	 * @param inputs the files the command reads, by key (for example {@code input}); entries that do not exist
	 *          are passed over
	 * @throws IllegalArgumentException with a one-line message when the file cannot or must not be written
	 */
	public static void checkFile(String key, Path output, Map<String, Path> inputs) {
		Path absolute = output.toAbsolutePath();
		Path folder = absolute.getParent();
		if (folder == null || !Files.isDirectory(folder)) {
			throw new IllegalArgumentException(key + "=" + output + ": the folder " + folder + " does not exist.");
		}
		if (Files.isDirectory(output)) {
			throw new IllegalArgumentException(key + "=" + output + " is a folder; give a file name, such as " +
				absolute.resolve("result.tif") + ".");
		}
		writable(key, output, folder);
		notAnInput(key, output, inputs, "file");
	}

	/**
	 * Checks an existing output folder ({@code output_folder=}).
	 *
	 * @throws IllegalArgumentException with a one-line message when it is missing, not writable or an input
	 */
	public static void checkFolder(String key, Path folder, Map<String, Path> inputs) {
		if (!Files.isDirectory(folder)) {
			throw new IllegalArgumentException(key + "=" + folder + ": give an existing folder.");
		}
		writable(key, folder, folder);
		notAnInput(key, folder, inputs, "folder");
	}

	/**
	 * Checks a folder a command creates or replaces ({@code folder=} of training and downloads): the folder, or
	 * the nearest existing folder above it, may be written.
	 */
	public static void checkNewFolder(String key, Path folder) {
		Path existing = folder.toAbsolutePath();
		while (existing != null && !Files.exists(existing)) existing = existing.getParent();
		if (existing == null) throw new IllegalArgumentException(key + "=" + folder + ": no part of it exists.");
		if (!Files.isDirectory(existing)) {
			throw new IllegalArgumentException(key + "=" + folder + ": " + existing + " is a file, not a folder.");
		}
		writable(key, folder, existing);
	}

	/** Whether {@code a} and {@code b} name the same existing file or folder (through links and relative paths). */
	public static boolean same(Path a, Path b) {
		if (!Files.exists(a) || !Files.exists(b)) return false;
		try {
			return Files.isSameFile(a, b);
		}
		catch (IOException e) {
			return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
		}
	}

	/** Whether {@code inner} is {@code outer} or lies inside it (real paths, links resolved). */
	public static boolean inside(Path inner, Path outer) {
		if (same(inner, outer)) return true;
		try {
			Path o = outer.toRealPath();
			for (Path p = inner.toAbsolutePath(); p != null; p = p.getParent()) {
				if (Files.exists(p) && p.toRealPath().equals(o)) return true;
			}
			return false;
		}
		catch (IOException e) {
			return false;
		}
	}

	private static void writable(String key, Path output, Path folder) {
		if (!Files.isWritable(folder)) {
			throw new IllegalArgumentException(key + "=" + output + ": the folder " + folder + " may not be written " +
				"(no write permission); choose a folder you can write to.");
		}
	}

	private static void notAnInput(String key, Path output, Map<String, Path> inputs, String kind) {
		for (Map.Entry<String, Path> in : inputs.entrySet()) {
			if (in.getValue() != null && same(output, in.getValue())) {
				throw new IllegalArgumentException(key + "=" + output + " is the same " + kind + " as " + in.getKey() +
					"=" + in.getValue() + "; the input is never overwritten: choose another " + kind + ".");
			}
		}
	}
}
