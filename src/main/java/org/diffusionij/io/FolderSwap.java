package org.diffusionij.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Builds a folder completely in a temporary sibling and only then moves it into place, so that an interrupted
 * or failed save never leaves a half-written folder under the target name. An existing target is first renamed
 * aside, the new folder renamed in, and only then the old one deleted; if the second rename fails, the old
 * folder is renamed back. (Only a crash exactly between the two renames leaves the previous folder under its
 * hidden {@code .name.old-…} name, complete.)
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
