package org.diffusionij.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writing that never leaves a half file behind: content goes to a temporary sibling (same folder, so the
 * final move is a rename on the same file system), is forced to disk, and then moved over the target,
 * atomically where the file system allows. A failure removes the temporary file and leaves the target as it
 * was.
 */
public final class AtomicFiles {

	/** Writes through a channel. */
	public interface ChannelWriter {
		void write(FileChannel channel) throws IOException;
	}

	private AtomicFiles() {}

	/**
	 * A new hidden sibling name {@code .<prefix><random><suffix>} in {@code dir} that does not exist yet.
	 * Unlike {@code Files.createTempFile}, whatever is then created there gets the user's usual permissions
	 * (umask), so saved models and images stay readable by the people they are shared with.
	 */
	static Path freshSibling(Path dir, String prefix, String suffix) {
		java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
		Path p;
		do p = dir.resolve("." + prefix + Long.toUnsignedString(r.nextLong(), 36) + suffix);
		while (Files.exists(p));
		return p;
	}

	public static void write(Path target, ChannelWriter writer) throws IOException {
		Path dir = target.toAbsolutePath().getParent();
		Files.createDirectories(dir);
		Path tmp = Files.createFile(freshSibling(dir, target.getFileName() + ".", ".partial"));
		try {
			try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
				StandardOpenOption.TRUNCATE_EXISTING))
			{
				writer.write(ch);
				ch.force(true);
			}
			move(tmp, target);
		}
		catch (IOException | RuntimeException | Error e) {
			Files.deleteIfExists(tmp);
			throw e;
		}
	}

	/** Renames {@code from} to {@code to}, replacing a file there; atomic where supported. */
	static void move(Path from, Path to) throws IOException {
		try {
			Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (AtomicMoveNotSupportedException e) {
			Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
		}
	}
}
