package org.diffusionij.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * Protects users from a libtorch 2.7 defect, and only where it bites: on some x86 CPUs (seen on AMD family 26)
 * oneDNN's AVX2 and AVX-512 convolution kernels compute wrong conv2d input gradients (batch of 2 or more, few
 * output channels), which silently spoils training, while the forward pass stays right. Limiting oneDNN to its
 * plain AVX kernels with {@code ONEDNN_MAX_CPU_ISA=AVX} mends the gradients but costs about a third of a
 * denoising run and has defects of its own (see docs/onednn-guard.md).
 * <p>
 * So the guard is measured: {@link CanaryRun} runs the {@link Conv2dCanary} once per machine in a child JVM and
 * caches the verdict. A process of role {@link Role#INFERENCE} (Fiji, the launcher: Denoise Image, generation) is
 * guarded only when the unguarded forward pass is wrong; a process of role {@link Role#TRAINING} (the training
 * worker, started with {@code -Ddiffusionij.engine.role=training}) also when the gradients are. The variable must
 * be in the process environment before libtorch loads, so {@link DiffusionEngine} calls {@link #apply()} first;
 * training therefore runs in a worker process of its own when its guard differs from the host's.
 * <p>
 * A {@code ONEDNN_MAX_CPU_ISA} the user set is kept; {@code DIFFUSIONIJ_ONEDNN_GUARD=off} (environment) or
 * {@code -Ddiffusionij.onednn.guard=off} switches guard and canary off; {@code =on} guards without a canary.
 */
public final class OneDnnGuard {

	public static final String VARIABLE = "ONEDNN_MAX_CPU_ISA";
	public static final String LIMIT = "AVX";
	static final String ENV = "DIFFUSIONIJ_ONEDNN_GUARD";
	static final String PROPERTY = "diffusionij.onednn.guard";
	/** System property naming a process's {@link Role}: {@code inference} (default) or {@code training}. */
	public static final String ROLE_PROPERTY = "diffusionij.engine.role";

	/** What a process computes: the guard covers the results it needs. */
	public enum Role {
		INFERENCE, TRAINING;

		/** The role of this process. */
		public static Role current() {
			return "training".equalsIgnoreCase(System.getProperty(ROLE_PROPERTY)) ? TRAINING : INFERENCE;
		}
	}

	/** What the guard found and did, for the engine-info report. */
	public enum State {
		APPLIED("on: ONEDNN_MAX_CPU_ISA=AVX, the canary found unguarded results this process needs wrong"),
		CANARY_CORRECT("off: the canary found the unguarded results this process needs correct"),
		FORCED("on: ONEDNN_MAX_CPU_ISA=AVX, asked for by DIFFUSIONIJ_ONEDNN_GUARD=on"),
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
	private static CanaryVerdict verdict;

	private OneDnnGuard() {}

	/** Applies the guard once; later calls return the first result. */
	public static synchronized State apply() {
		if (state != null) return state;
		String request = setting();
		if (NativeEnv.get(VARIABLE) != null) state = State.USER_SETTING;
		else if ("off".equals(request)) state = State.DISABLED;
		else if (!hasWideVectorUnits()) state = State.NOT_NEEDED;
		else if ("on".equals(request)) state = set(State.FORCED);
		else {
			verdict = CanaryRun.verdict();
			state = needed(Role.current(), verdict) ? set(State.APPLIED) : State.CANARY_CORRECT;
		}
		return state;
	}

	/** Whether a process of {@code role} needs the guard on a machine with {@code verdict}. */
	static boolean needed(Role role, CanaryVerdict verdict) {
		return verdict.forwardWrong || role == Role.TRAINING && verdict.gradientsWrong;
	}

	/** The state after {@link #apply()}, or null before it ran. */
	public static synchronized State state() {
		return state;
	}

	/** The state, the process's role and the canary's verdict with its date, for Engine Info. */
	public static synchronized String describe() {
		String s = state == null ? "not applied yet" : state.description;
		s += " (process role " + Role.current().name().toLowerCase(Locale.ROOT) + ")";
		if (verdict != null) {
			s += "\n  " + verdict.summary() + (verdict.gradientsWrong && !verdict.crashed
				? "; training runs guarded in its worker" : "");
			if (!verdict.details.isEmpty()) s += "\n  wrong cases: " + verdict.details;
		}
		return s;
	}

	/**
	 * Whether training may run in this process: gradients are right here, as the canary found or the guard
	 * makes them (or the user took the matter in hand). False means: train in a worker of role training.
	 */
	public static synchronized boolean gradientsCorrectHere() {
		apply();
		if (state == State.CANARY_CORRECT) return !verdict.gradientsWrong;
		return state != State.FAILED;
	}

	private static State set(State on) {
		return NativeEnv.setIfAbsent(VARIABLE, LIMIT) ? on : State.FAILED;
	}

	private static String setting() {
		String v = System.getProperty(PROPERTY, System.getenv(ENV));
		return v == null ? "" : v.trim().toLowerCase(Locale.ROOT);
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
