package org.diffusionij.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@link Conv2dCanary} in a child JVM (same java, same jars) once per machine and caches its
 * {@link CanaryVerdict}: without the guard first; when that gets gradients wrong, again with
 * {@code ONEDNN_MAX_CPU_ISA=AVX} to check that the guard mends them. A crash in the child costs nothing but the
 * guard staying on. {@code DIFFUSIONIJ_ONEDNN_CANARY=rerun} (or {@code -Ddiffusionij.onednn.canary=rerun}) runs it
 * again although a verdict for this machine is cached.
 */
final class CanaryRun {

	private static final long TIMEOUT_SECONDS = 300;

	/** The result of one child run. */
	static final class Outcome {
		boolean crashed = true;
		boolean forwardWrong;
		boolean gradientsWrong;
		String details = "";
	}

	private CanaryRun() {}

	/** The cached verdict for this machine, or a new one (run now and cached). */
	static CanaryVerdict verdict() {
		Path folder = CanaryVerdict.userFolder();
		String key = CanaryVerdict.currentKey();
		String request = System.getProperty("diffusionij.onednn.canary", System.getenv("DIFFUSIONIJ_ONEDNN_CANARY"));
		CanaryVerdict cached = "rerun".equalsIgnoreCase(request) ? null : CanaryVerdict.read(folder, key);
		if (cached != null) return cached;
		CanaryVerdict fresh = measure(key);
		fresh.write(folder);
		return fresh;
	}

	/** Runs the canary unguarded and, if its gradients are wrong, guarded. */
	static CanaryVerdict measure(String key) {
		String date = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT));
		Outcome plain = child(null);
		Boolean guarded = null;
		String details = plain.details;
		if (!plain.crashed && plain.gradientsWrong) {
			Outcome g = child(OneDnnGuard.LIMIT);
			guarded = g.crashed || g.gradientsWrong;
			if (guarded) details += " | guarded: " + g.details;
		}
		return new CanaryVerdict(key, date, plain.forwardWrong, plain.gradientsWrong, plain.crashed, guarded, details);
	}

	/** One canary JVM with {@code ONEDNN_MAX_CPU_ISA=isa}, or without the guard when isa is null. */
	static Outcome child(String isa) {
		List<String> options = new ArrayList<>(Arrays.asList("-Xmx256m", "-Djava.awt.headless=true",
			"-Dslf4j.internal.verbosity=ERROR", "-D" + OneDnnGuard.PROPERTY + "=off"));
		for (String name : System.getProperties().stringPropertyNames()) {
			if (name.startsWith("PYTORCH_") || name.startsWith("ai.djl.") || name.equals("ENGINE_CACHE_DIR")) {
				options.add("-D" + name + "=" + System.getProperty(name));
			}
		}
		ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(ChildJvm.java(), options, ChildJvm.classPath(),
			Conv2dCanary.class.getName())).redirectErrorStream(true);
		pb.environment().remove(OneDnnGuard.VARIABLE);
		pb.environment().remove(OneDnnGuard.ENV);
		if (isa != null) pb.environment().put(OneDnnGuard.VARIABLE, isa);
		Outcome o = new Outcome();
		try {
			Process p = pb.start();
			p.getOutputStream().close();
			String text;
			try (InputStream in = p.getInputStream()) {
				text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) p.destroyForcibly();
			parse(text, p.isAlive() ? -1 : p.exitValue(), o);
		}
		catch (IOException e) {
			o.details = "could not start: " + e.getMessage();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			o.details = "interrupted";
		}
		return o;
	}

	/** Reads the child's output: its VERDICT line and up to four MISMATCH lines. */
	static void parse(String text, int exit, Outcome o) {
		List<String> wrong = new ArrayList<>();
		for (String line : text.split("\\R")) {
			if (line.startsWith("MISMATCH ") && wrong.size() < 4) wrong.add(line.substring(9));
			if (line.startsWith(Conv2dCanary.VERDICT + " ")) {
				o.crashed = false;
				o.forwardWrong = line.contains("forward=wrong");
				o.gradientsWrong = line.contains("input_gradient=wrong") || line.contains("weight_gradient=wrong");
			}
		}
		o.details = o.crashed ? "exit status " + exit : String.join("; ", wrong);
	}
}
