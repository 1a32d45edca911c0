package org.diffusionij.engine;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Keeps memory that libtorch frees inside the process instead of handing it back to the kernel. On virtual
 * machines a fresh 4 KiB page costs 18–20 µs to fault in, and glibc returns freed blocks of 32 MiB and more to
 * the kernel at once, so a UNet that allocates the same large activations every step pays for them again and
 * again. {@code mallopt(M_MMAP_MAX, 0)} and a very high {@code M_TRIM_THRESHOLD} made large UNets 3–5x faster
 * on such machines. glibc (Linux) only; switched off with {@code -Ddiffusionij.malloc.keep=false}.
 */
final class MemoryTuning {

	private static final int M_TRIM_THRESHOLD = -1;
	private static final int M_MMAP_MAX = -4;

	private interface GlibC extends Library {
		int mallopt(int param, int value);
	}

	private MemoryTuning() {}

	/** @return a one-line description of what was done */
	static String apply() {
		if (!Platform.isLinux()) return "system default (not glibc)";
		if ("false".equalsIgnoreCase(System.getProperty("diffusionij.malloc.keep"))) return "system default (switched off)";
		try {
			GlibC c = Native.load("c", GlibC.class);
			boolean ok = c.mallopt(M_MMAP_MAX, 0) == 1 & c.mallopt(M_TRIM_THRESHOLD, Integer.MAX_VALUE) == 1;
			return ok ? "freed memory kept in process (mallopt)" : "system default (mallopt refused)";
		}
		catch (LinkageError e) {
			return "system default (no glibc)";
		}
	}
}
