package org.diffusionij.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Builds a folder completely in a temporary sibling and only then moves it into place, so that an interrupted
 * or failed save never leaves a half-written folder under the target name. An existing target is first renamed
 * aside, the new folder renamed in, and only then the old one deleted; if the second rename fails, the old
 * folder is renamed back. (Only a crash exactly between the two renames leaves the previous folder under its
 * hidden {@code .name.old-…} name, complete.) A process killed during a save leaves its temporary sibling
 * behind; {@link #recover} tidies both up once that process is known to be gone.
 */
final class FolderSwap {

	/** Fills the temporary folder. */
	interface Builder {
		void build(Path folder) throws IOException;
	}

	private FolderSwap() {}

	static void write(Path target, Builder builder) throws IOException {
		Path abs = target.toAbsolutePath().normalize();
		Path parent = abs.getParent();
		if (parent == null) throw new IOException("Cannot save a model as the root folder " + abs + ".");
		Files.createDirectories(parent);
		if (Files.exists(abs) && !Files.isDirectory(abs)) {
			throw new IOException(abs + " exists and is a file, not a model folder; choose another name.");
		}
		String name = abs.getFileName().toString();
		Path tmp = Files.createDirectory(AtomicFiles.freshSibling(parent, name + ".saving-", ""));
		try {
			builder.build(tmp);
			if (Files.exists(abs)) replace(abs, tmp, AtomicFiles.freshSibling(parent, name + ".old-", ""));
			else rename(tmp, abs);
		}
		catch (IOException | RuntimeException | Error e) {
			deleteTree(tmp);
			throw e;
		}
	}

	/**
	 * Tidies up beside {@code target} after the process that was saving it died (SIGKILL, a crash in native
	 * code), for a target that no live process is saving: the half-built {@code .name.saving-…} folders are
	 * deleted; a previous version {@code .name.old-…} is renamed back when the end came between the two renames
	 * (the target is missing), and deleted when the target is in place (the end came while it was being deleted).
	 *
	 * @return whether anything was found to tidy
	 */
	static boolean recover(Path target) throws IOException {
		Path abs = target.toAbsolutePath().normalize();
		Path parent = abs.getParent();
		if (parent == null || !Files.isDirectory(parent)) return false;
		String name = abs.getFileName().toString();
		List<Path> saving = new ArrayList<>(), old = new ArrayList<>();
		try (Stream<Path> siblings = Files.list(parent)) {
			for (Path p : (Iterable<Path>) siblings::iterator) {
				if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) continue;
				String n = p.getFileName().toString();
				if (left(n, name, ".saving-")) saving.add(p);
				else if (left(n, name, ".old-")) old.add(p);
			}
		}
		if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && old.size() == 1) rename(old.remove(0), abs);
		for (Path p : saving) deleteTree(p);
		if (Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) for (Path p : old) deleteTree(p);
		return !saving.isEmpty() || !old.isEmpty();
	}

	/** Whether {@code file} is {@link AtomicFiles#freshSibling} of {@code name} with {@code kind}. */
	private static boolean left(String file, String name, String kind) {
		String prefix = "." + name + kind;
		return file.startsWith(prefix) && file.length() > prefix.length() && file.substring(prefix.length()).matches(
			"[0-9a-z]+");
	}

	private static void replace(Path target, Path fresh, Path aside) throws IOException {
		rename(target, aside);
		try {
			rename(fresh, target);
		}
		catch (IOException | RuntimeException e) {
			rename(aside, target);
			throw e;
		}
		try {
			deleteTree(aside);
		}
		catch (IOException e) {
			throw new IOException("Saved " + target + ", but could not delete its previous version, left in " +
				aside + ": " + e.getMessage(), e);
		}
	}

	private static void rename(Path from, Path to) throws IOException {
		try {
			Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (AtomicMoveNotSupportedException e) {
			Files.move(from, to);
		}
	}

	static void deleteTree(Path root) throws IOException {
		if (!Files.exists(root)) return;
		Files.walkFileTree(root, new SimpleFileVisitor<Path>() {

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
				Files.delete(file);
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
				if (e != null) throw e;
				Files.delete(dir);
				return FileVisitResult.CONTINUE;
			}
		});
	}
}
