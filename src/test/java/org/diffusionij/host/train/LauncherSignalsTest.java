package org.diffusionij.host.train;

import static org.junit.jupiter.api.Assertions.*;

import ij.IJ;
import ij.ImagePlus;
import ij.process.FloatProcessor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.diffusionij.host.DenoiseCommand;
import org.diffusionij.host.Launcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The headless launcher as a shell or cluster scheduler runs it: a real {@code java} process that restarts
 * itself in a child JVM (one malloc arena). SIGTERM, SIGINT and SIGHUP to the launcher's pid stop the command as
 * Cancel does (training writes its checkpoint, which resumes; Denoise Image writes nothing), the exit status is
 * 128 + the signal, and no JVM is left running; a child whose launcher is killed with SIGKILL stops by itself.
 */
class LauncherSignalsTest {

	private static final Pattern STEP = Pattern.compile(": step (\\d+), loss");

	@TempDir
	Path tmp;

	private Path stack, init, model;

	@BeforeEach
	void data() throws Exception {
		stack = tmp.resolve("stack.tif");
		IJ.saveAsTiff(TrainTestData.cityscape(), stack.toString());
		init = TrainTestData.tinyModel(tmp.resolve("tiny"), 1);
		model = tmp.resolve("model");
	}

	/** A launcher process with its output collected line by line. */
	static final class LauncherProcess {
		final Process process;
		final List<String> out = new ArrayList<>(), err = new ArrayList<>();

		LauncherProcess(String... args) throws IOException {
			this(false, args);
		}

		/** @param session in a session and process group of its own, as a terminal runs a command ({@code setsid}) */
		LauncherProcess(boolean session, String... args) throws IOException {
			List<String> cmd = new ArrayList<>();
			if (session) cmd.addAll(Arrays.asList("setsid", "-w"));
			cmd.addAll(Arrays.asList(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
				"-cp", System.getProperty("java.class.path"), Launcher.class.getName()));
			cmd.addAll(Arrays.asList(args));
			ProcessBuilder pb = new ProcessBuilder(cmd);
			pb.environment().remove("MALLOC_ARENA_MAX"); // so that the launcher restarts itself in a child JVM
			pb.environment().remove("GLIBC_TUNABLES");
			process = pb.start();
			collect(process.getInputStream(), out);
			collect(process.getErrorStream(), err);
		}

		private static void collect(InputStream in, List<String> lines) {
			Thread t = new Thread(() -> {
				try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
					for (String line; (line = r.readLine()) != null;) {
						synchronized (lines) {
							lines.add(line);
						}
					}
				}
				catch (IOException e) {
					// the process ended
				}
			});
			t.setDaemon(true);
			t.start();
		}

		/** The highest training step logged so far, waiting until it exceeds {@code after}. */
		long waitForStepAfter(long after, long timeoutSeconds) throws InterruptedException {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
			while (System.nanoTime() < deadline) {
				long step = -1;
				synchronized (out) {
					for (String line : out) {
						Matcher m = STEP.matcher(line);
						if (m.find()) step = Math.max(step, Long.parseLong(m.group(1)));
					}
				}
				if (step > after) return step;
				assertTrue(process.isAlive(), "the launcher ended early: " + text(err) + text(out));
				Thread.sleep(200);
			}
			throw new AssertionError("no training step after " + after + " in " + timeoutSeconds + " s: " + text(out) +
				text(err));
		}

		/** The launcher's child JVMs (and their children); there is at least one. */
		List<ProcessHandle> children(long timeoutSeconds) throws InterruptedException {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
			List<ProcessHandle> jvms;
			while ((jvms = process.descendants().collect(Collectors.toList())).isEmpty() && System.nanoTime() < deadline) {
				Thread.sleep(100);
			}
			assertFalse(jvms.isEmpty(), "the launcher runs the command in a child JVM");
			return jvms;
		}

		void signal(String name) throws Exception {
			assertEquals(0, new ProcessBuilder("kill", "-s", name, Long.toString(process.pid())).start().waitFor());
		}

		/** Signals every process of the launcher's group, as Ctrl-C in a terminal does. */
		void signalGroup(String name) throws Exception {
			long launcher = process.pid();
			List<ProcessHandle> java = process.descendants().collect(Collectors.toList());
			if (!process.info().command().orElse("").endsWith("java") && !java.isEmpty()) launcher = java.get(0).pid();
			String stat = new String(Files.readAllBytes(Paths.get("/proc/" + launcher + "/stat")), StandardCharsets.UTF_8);
			String group = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2];
			assertEquals(Long.toString(launcher), group, "the launcher leads its own process group");
			assertEquals(0, new ProcessBuilder("kill", "-s", name, "--", "-" + group).start().waitFor());
		}

		int exit(long timeoutSeconds) throws InterruptedException {
			assertTrue(process.waitFor(timeoutSeconds, TimeUnit.SECONDS), "the launcher stops within " +
				timeoutSeconds + " s: " + text(err));
			return process.exitValue();
		}

		String err() {
			return text(err);
		}

		static String text(List<String> lines) {
			synchronized (lines) {
				return String.join("\n", lines) + "\n";
			}
		}
	}

	private static void assertAllEnd(List<ProcessHandle> jvms, long timeoutSeconds) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
		while (jvms.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) Thread.sleep(100);
		List<ProcessHandle> alive = jvms.stream().filter(ProcessHandle::isAlive).collect(Collectors.toList());
		alive.forEach(ProcessHandle::destroyForcibly);
		assertTrue(alive.isEmpty(), "no JVM survives: " + alive.stream().map(h -> h.pid() + " " + h.info().commandLine()
			.orElse("")).collect(Collectors.joining(", ")));
	}

	private long checkpointStep() throws Exception {
		return TrainCommandTest.history(model).losses.size();
	}

	@Test
	void sigtermAndSigintStopTrainingWithACheckpointThatResumes() throws Exception {
		LauncherProcess first = new LauncherProcess("--run", TrainCommand.LABEL, "input=[" + stack + "] folder=[" +
			model + "] init=[" + init + "] steps=1000000 batch=2 patch=32 checkpoint_every=1000000 seed=1");
		first.waitForStepAfter(0, 300);
		List<ProcessHandle> jvms = first.children(10);
		first.signal("TERM");
		assertEquals(143, first.exit(120), first.err());
		assertAllEnd(jvms, 10);
		Matcher m = Pattern.compile("Training cancelled at step (\\d+); the checkpoint in .* holds that step " +
			"\\(resume=true continues it\\)\\.").matcher(first.err());
		assertTrue(m.find(), first.err());
		long stopped = Long.parseLong(m.group(1));
		assertEquals(stopped, checkpointStep(), "the checkpoint holds the step the message names");
		assertTrue(first.err().contains("Stopping (SIGTERM)"), first.err());

		// resume continues from that checkpoint; Ctrl-C in a terminal (SIGINT to the launcher's whole process group,
		// so to the child directly and once more through the launcher) stops it the same way
		LauncherProcess resumed = new LauncherProcess(true, "--run", TrainCommand.LABEL, "input=[" + stack +
			"] folder=[" + model + "] resume=true");
		resumed.waitForStepAfter(stopped, 300);
		jvms = resumed.children(10);
		resumed.signalGroup("INT");
		assertEquals(130, resumed.exit(120), resumed.err());
		assertAllEnd(jvms, 10);
		assertTrue(checkpointStep() > stopped, "the resumed run went on and saved: " + checkpointStep());
		for (LauncherProcess p : new LauncherProcess[] { first, resumed }) {
			assertFalse(p.err().contains("deprecated"), "no libtorch warning: " + p.err());
			assertFalse(p.err().contains("\tat "), p.err());
		}
	}

	@Test
	void aChildWhoseLauncherIsKilledStopsByItselfAndSavesItsStep() throws Exception {
		LauncherProcess p = new LauncherProcess("--run", TrainCommand.LABEL, "input=[" + stack + "] folder=[" + model +
			"] init=[" + init + "] steps=1000000 batch=2 patch=32 checkpoint_every=1000000 seed=1");
		p.waitForStepAfter(0, 300);
		List<ProcessHandle> jvms = p.children(10);
		p.process.destroyForcibly(); // SIGKILL: the launcher cannot pass anything on
		assertTrue(p.process.waitFor(10, TimeUnit.SECONDS));
		assertAllEnd(jvms, 120);
		assertTrue(checkpointStep() > 0, "the child wrote the checkpoint of its last step as it stopped");
	}

	@Test
	void sighupStopsDenoisingWithoutWritingTheOutput() throws Exception {
		Random random = new Random(3);
		FloatProcessor noise = new FloatProcessor(1024, 1024);
		for (int i = 0; i < noise.getPixelCount(); i++) noise.setf(i, (float) (100 + 20 * random.nextGaussian()));
		Path input = tmp.resolve("noise.tif");
		IJ.saveAsTiff(new ImagePlus("noise", noise), input.toString());
		byte[] before = Files.readAllBytes(input);
		Path output = tmp.resolve("denoised.tif");
		LauncherProcess p = new LauncherProcess("--run", DenoiseCommand.LABEL, "input=[" + input + "] output=[" +
			output + "] sigma=20 mode=sample steps=10 samples=4");
		List<ProcessHandle> jvms = p.children(30);
		Thread.sleep(15_000); // the model is loaded and denoising runs; 4 samples of the whole image take far longer
		assertTrue(p.process.isAlive(), "still denoising: " + p.err());
		p.signal("HUP");
		assertEquals(129, p.exit(120), p.err());
		assertAllEnd(jvms, 10);
		assertTrue(p.err().contains("Stopping (SIGHUP)"), p.err());
		assertFalse(Files.exists(output), "nothing half-written");
		try (java.util.stream.Stream<Path> files = Files.list(tmp)) {
			assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".part")), "no temporary file left");
		}
		assertArrayEquals(before, Files.readAllBytes(input));
	}
}
