package org.diffusionij.host;

import ij.ImagePlus;
import ij.io.FileSaver;
import java.io.File;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Saves a result as TIFF so that a failure leaves nothing half-written: the image goes to a temporary file in
 * the target's folder, which then replaces the target in one move. TIFF keeps every ImageJ pixel type as it is
 * (32-bit stays 32-bit float), with calibration and hyperstack dimensions.
 */
public final class TiffOutput {

	private TiffOutput() {}

	/**
	 * Writes {@code image} to {@code target} as TIFF.
	 *
	 * @throws IllegalArgumentException when the folder does not exist
	 * @throws IllegalStateException when writing fails
	 */
	public static void save(ImagePlus image, File target) {
		File folder = target.getAbsoluteFile().getParentFile();
		if (folder == null || !folder.isDirectory()) {
			throw new IllegalArgumentException("output=" + target + ": the folder " + folder + " does not exist.");
		}
		Path temp = null;
		try {
			temp = folder.toPath().resolve("." + target.getName() + "." + Long.toUnsignedString(System.nanoTime(), 36) +
				".part");
			if (!new FileSaver(image).saveAsTiff(temp.toString())) {
				throw new IllegalStateException("Could not write " + target + " (see the log for the reason).");
			}
			try {
				Files.move(temp, target.toPath(), StandardCopyOption.REPLACE_EXISTING,
					StandardCopyOption.ATOMIC_MOVE);
			}
			catch (AtomicMoveNotSupportedException e) {
				Files.move(temp, target.toPath(), StandardCopyOption.REPLACE_EXISTING);
			}
			temp = null;
		}
		catch (IOException e) {
			throw new IllegalStateException("Could not write " + target + ": " + e.getMessage(), e);
		}
		finally {
			if (temp != null) temp.toFile().delete();
		}
	}
}
