package org.diffusionij.host;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.diffusionij.engine.ChildJvm;

/**
 * Runs the headless launcher again in a child JVM with {@code MALLOC_ARENA_MAX=1} when it was started without.
 * glibc gives each thread that allocates its own malloc arena; libtorch's tensors, allocated on the calling
 * Java thread, then live in 64 MiB heaps that glibc unmaps as soon as they are empty, so every large tensor is
 * faulted in again page by page (18–20 µs a page on virtual machines). One arena keeps freed memory in the
 * process: Denoise Image went from 33 to 16.5 s per megapixel on the 2-core development VM. The limit can only
 * be set before the process starts, hence the child. Linux only; {@code -Ddiffusionij.malloc.keep=false} or a
 * {@code MALLOC_ARENA_MAX}/{@code GLIBC_TUNABLES} already set skips it. In Fiji, start Fiji with
 * {@code MALLOC_ARENA_MAX=1} in its environment for the same effect.
 * <p>
 * The launcher stays the process that a shell or cluster scheduler knows: it passes stop signals on to the child
 * and returns its exit status, and the child stops by itself should the launcher vanish ({@link CommandStop}).
 */
final class ArenaRelaunch {

	static final String VARIABLE = "MALLOC_ARENA_MAX";

	private ArenaRelaunch() {}

	/** Whether this process should be started again with one arena. */
	static boolean needed(String osName, Map<String, String> env, String keepProperty) {
		if (!osName.toLowerCase(java.util.Locale.ROOT).contains("linux")) return false;
		if ("false".equalsIgnoreCase(keepProperty)) return false;
		String tunables = env.get("GLIBC_TUNABLES");
		return env.get(VARIABLE) == null && (tunables == null || !tunables.contains("arena_max"));
	}

	/** The child's command line: the same java, JVM options, class path, main class and arguments. */
	static List<String> command(String java, List<String> jvmOptions, String classPath, String mainClass,
		String[] args)
	{
		return ChildJvm.command(java, jvmOptions, classPath, mainClass, args);
	}

	/**
	 * Runs {@code mainClass} with {@code args} in a child JVM with one malloc arena, its input and output
	 * connected to this one's, and returns its exit status; -1 when no child was needed or it could not start
	 * (the caller then runs in this process).
	 */
	static int relaunch(Class<?> mainClass, String[] args) {
		if (!needed(System.getProperty("os.name", ""), System.getenv(), System.getProperty("diffusionij.malloc.keep"))) {
			return -1;
		}
		Optional<String> java = ProcessHandle.current().info().command();
		if (!java.isPresent()) return -1;
		List<String> jvmOptions = new ArrayList<>();
		for (String o : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
			if (!o.startsWith("-D" + CommandStop.PARENT_PID + "=")) jvmOptions.add(o);
		}
		jvmOptions.add("-D" + CommandStop.PARENT_PID + "=" + ProcessHandle.current().pid());
		ProcessBuilder pb = new ProcessBuilder(command(java.get(), jvmOptions, System.getProperty("java.class.path"),
			mainClass.getName(), args)).inheritIO();
		pb.environment().put(VARIABLE, "1");
		Process child;
		try {
			child = pb.start();
		}
		catch (IOException e) {
			return -1;
		}
		forwardStops(child);
		while (true) {
			try {
				return child.waitFor();
			}
			catch (InterruptedException e) {
				child.destroy(); // and wait for it to stop
			}
		}
	}

	/**
	 * Passes SIGINT, SIGTERM and SIGHUP on to the child, which stops its command as Cancel does; the launcher then
	 * returns the child's exit status. The signal goes on as it came ({@code kill -s}), or as SIGTERM where that
	 * cannot run. Should the JVM shut down all the same (a JVM without signal handlers, or {@code System.exit}
	 * elsewhere), the child is stopped and waited for first.
	 */
	private static void forwardStops(Process child) {
		Signals.handle((name, number) -> {
			try {
				if (new ProcessBuilder("kill", "-s", name, Long.toString(child.pid())).redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0)
				{
					return;
				}
			}
			catch (IOException e) {
				// no kill command: SIGTERM below
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
			child.destroy();
		}, Signals.STOP);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			if (!child.isAlive()) return;
			child.destroy();
			try {
				if (!child.waitFor(60, TimeUnit.SECONDS)) child.destroyForcibly();
			}
			catch (InterruptedException e) {
				child.destroyForcibly();
			}
		}, "diffusionij-child-stop"));
	}
}
