package org.diffusionij.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Pickle checkpoints ({@code .bin}, {@code .ckpt}, {@code .pt}, {@code .pth}) can run arbitrary code when
 * loaded and need Python to read; this plugin reads safetensors only and says so.
 */
public final class PickleRefusal {

	public static final String HOW_TO_CONVERT = "convert it once in Python with diffusers: " +
		"Model.from_pretrained(folder).save_pretrained(folder, safe_serialization=True)";

	private PickleRefusal() {}

	public static boolean isPickle(Path file) {
		String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
		return n.endsWith(".bin") || n.endsWith(".ckpt") || n.endsWith(".pt") || n.endsWith(".pth") ||
			n.endsWith(".pkl");
	}

	/** The exception to throw when a folder has only a pickle checkpoint. */
	public static IOException refuse(Path file) {
		return new IOException(file.getFileName() + " is a PyTorch pickle checkpoint. Pickle files can run " +
			"arbitrary code when loaded and need Python to read, so this plugin reads only .safetensors; " +
			HOW_TO_CONVERT + " (in " + file.getParent() + ").");
	}
}
