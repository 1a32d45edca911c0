package org.diffusionij.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * Protects users from a libtorch 2.7 defect: on some x86 CPUs (seen on AMD family 26) oneDNN's AVX2 and
 * AVX-512 convolution kernels compute wrong conv2d input gradients (batch of 2 or more with few output
 * channels), which silently spoils training. Limiting oneDNN to its plain AVX kernels with
 * {@code ONEDNN_MAX_CPU_ISA=AVX} avoids them, at about a quarter of the convolution speed (see
 * docs/onednn-guard.md). The variable must be in the process environment before libtorch runs its first
 * convolution, so {@link DiffusionEngine} calls {@link #apply()} before the engine loads.
 * <p>
 * Since the faulty kernel families are the ones every AVX2 or AVX-512 CPU uses, and which CPUs are affected
 * cannot be told without running a convolution, the guard is on for every such x86 CPU, unless the user set
 * {@code ONEDNN_MAX_CPU_ISA} themselves or switched it off with {@code DIFFUSIONIJ_ONEDNN_GUARD=off}
 * (environment) or {@code -Ddiffusionij.onednn.guard=off}.
 */
public final class OneDnnGuard {

	public static final String VARIABLE = "ONEDNN_MAX_CPU_ISA";
	public static final String LIMIT = "AVX";

	/** What the guard found and did, for the engine-info report. */
	public enum State {
		APPLIED("on: ONEDNN_MAX_CPU_ISA=AVX set for this AVX2/AVX-512 CPU"),
		USER_SETTING("off: ONEDNN_MAX_CPU_ISA was set by the user"),
		DISABLED("off: disabled by DIFFUSIONIJ_ONEDNN_GUARD=off"),
		NOT_NEEDED("off: this CPU has neither AVX2 nor AVX-512"),
		FAILED("off: could not set the environment variable (set ONEDNN_MAX_CPU_ISA=AVX before starting)");

		public final String description;

		State(String description) {
			this.description = description;
		}
	}

	private static State state;

	private OneDnnGuard() {}

	/** Applies the guard once; later calls return the first result. */
	public static synchronized State apply() {
		if (state != null) return state;
		String userSetting = NativeEnv.get(VARIABLE);
		if (userSetting != null) state = State.USER_SETTING;
		else if (disabled()) state = State.DISABLED;
		else if (!hasWideVectorUnits()) state = State.NOT_NEEDED;
		else state = NativeEnv.setIfAbsent(VARIABLE, LIMIT) ? State.APPLIED : State.FAILED;
		return state;
	}

	/** The state after {@link #apply()}, or null before it ran. */
	public static synchronized State state() {
		return state;
	}

	private static boolean disabled() {
		String env = System.getenv("DIFFUSIONIJ_ONEDNN_GUARD");
		String prop = System.getProperty("diffusionij.onednn.guard");
		return "off".equalsIgnoreCase(env) || "off".equalsIgnoreCase(prop);
	}

	/** True on x86 CPUs whose flags include avx2 or avx512f (read from /proc/cpuinfo on Linux). */
	static boolean hasWideVectorUnits() {
		String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
		if (!(arch.contains("amd64") || arch.contains("x86_64"))) return false;
		Path cpuinfo = Paths.get("/proc/cpuinfo");
		if (!Files.isReadable(cpuinfo)) return true; // other systems: limiting the ISA is safe, only slower
		try {
			for (String line : Files.readAllLines(cpuinfo, StandardCharsets.UTF_8)) {
				if (line.startsWith("flags")) return line.contains(" avx2") || line.contains(" avx512f");
			}
		}
		catch (IOException e) {
			return true;
		}
		return false;
	}
}
