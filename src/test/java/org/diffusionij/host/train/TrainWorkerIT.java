package org.diffusionij.host.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import ij.IJ;
import ij.ImagePlus;
import java.awt.event.KeyEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.OneDnnGuard;
import org.diffusionij.host.CommandCall;
import org.diffusionij.host.DiffusionCommands;
import org.diffusionij.host.Launcher;
import org.diffusionij.host.MacroOptions;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.pipelines.train.TrainingFolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandService;
import org.scijava.command.CommandInfo;

/**
 * Train Diffusion on Stack in its worker JVM ({@link TrainWorker}), driven through the command's macro line as
 * Fiji drives it, on a real stack: the worker trains the same model as training in-process, and a worker killed
 * with SIGKILL in the middle of a run leaves the host running, a message that says what happened and where to go
 * on from, no stray JVM and a checkpoint that {@code resume=true} continues to the model of an uninterrupted run
 * (also when the kill comes while a checkpoint is written, or before a resumed worker wrote its first one). Esc
 * in the host, or an interrupt of its command thread, stops the worker as Cancel stops training in-process: the
 * worker saves the step it is at and the command says so (a cancel, not a crash).
 * <p>
 * This JVM has the role of Fiji (inference: failsafe sets no {@code diffusionij.engine.role}), the worker the
 * training role. Where the conv2d canary found this CPU's unguarded gradients wrong, the worker trains guarded
 * and this JVM would train unguarded, with the wrong gradients the worker exists to avoid: the two then do not
 * compute the same numbers, so the uninterrupted reference run is itself a worker run there, and only where this
 * JVM's gradients are right is it the in-process run (the setting {@code diffusionij.train.worker=false}).
 */
class TrainWorkerIT {

	private static final String SETTINGS = " steps=40 batch=2 patch=32 lr=0.002 seed=5 checkpoint_every=5 noise=none";
	private static final long STEPS = 40, EVERY = 5;
	private static final String[] COMPARED = { "unet/diffusion_pytorch_model.safetensors",
		TrainingFolder.STATE_TENSORS };

	@TempDir
	static Path tmp;

	static Context context;
	static CommandInfo info;
	static ImagePlus stack;
	static Path init;
	/** The uninterrupted run of {@link #SETTINGS}, trained in-process where that computes what the worker does. */
	static Path reference;
	static boolean referenceInProcess;

	@BeforeAll
	static void setUp() throws Exception {
		context = CommandCall.newContext();
		info = DiffusionCommands.find(context.service(CommandService.class), TrainCommand.LABEL);
		stack = TrainTestData.cityscape();
		init = TrainTestData.tinyModel(tmp.resolve("tiny"), 1);
		referenceInProcess = OneDnnGuard.gradientsCorrectHere();
		reference = tmp.resolve("reference");
		long t0 = System.nanoTime();
		train(referenceInProcess ? "false" : "true", "folder=[" + reference + "] init=[" + init + "]" + SETTINGS);
		System.out.printf("TrainWorkerIT: reference run (%s) %.1f s; oneDNN guard here: %s%n", referenceInProcess ?
			"in-process" : "worker", (System.nanoTime() - t0) / 1e9, OneDnnGuard.describe());
		assertEquals(STEPS, TrainCommandTest.history(reference).losses.size());
	}

	@AfterAll
	static void tearDown() {
		System.clearProperty(TrainWorker.PROPERTY);
		if (context != null) context.dispose();
	}

	@AfterEach
	void noWorkerLeft() {
		System.clearProperty(TrainWorker.PROPERTY);
		assertEquals(Arrays.asList(), workers(), "no worker JVM outlives its command");
	}

	@Test
	void theWorkerTrainsTheSameModelAsTheHost() throws Exception {
		Path worker = tmp.resolve("worker");
		long t0 = System.nanoTime();
		train("true", "folder=[" + worker + "] init=[" + init + "]" + SETTINGS);
		System.out.printf("TrainWorkerIT: worker run %.1f s%n", (System.nanoTime() - t0) / 1e9);
		// where this JVM's gradients are wrong, the reference is a worker run too (see the class comment): the
		// worker is then compared with itself, which still shows that a worker run is reproducible
		assertSameModel(reference, worker);
	}

	@Test
	void aKilledWorkerIsReportedAndResumeFinishesTheRunAsIfUninterrupted() throws Exception {
		Path out = tmp.resolve("killed");
		long t0 = System.nanoTime();

		// 1. SIGKILL once the first checkpoint is in the folder
		Run run = Run.start("folder=[" + out + "] init=[" + init + "]" + SETTINGS);
		ProcessHandle worker = run.worker();
		while (!TrainingFolder.hasState(out)) run.stillRunning("its first checkpoint");
		assertTrue(worker.destroyForcibly(), "SIGKILL sent"); // ProcessHandle.destroyForcibly: SIGKILL on Linux
		String message = run.message();
		System.out.printf("TrainWorkerIT: killed after %.1f s: %s%n", (System.nanoTime() - t0) / 1e9, message);
		long step = savedStep(out);
		assertTrue(step >= EVERY && step < STEPS && step % EVERY == 0, "a checkpoint of the run, not its end: " + step);
		for (String said : new String[] { "stopped unexpectedly", "signal 9", "SIGKILL", "The last checkpoint, step " +
			step + ", is in " + out, "resume=true" })
		{
			assertTrue(message.contains(said), "'" + said + "' in: " + message);
		}
		assertFalse(worker.isAlive());
		assertEquals(Arrays.asList(), workers());
		assertLoadable(out, step);
		assertEquals(Arrays.asList(), strayFolders(out));

		// 2. resume=true, its worker killed before it wrote a checkpoint: the one in the folder is still the one
		run = Run.start("folder=[" + out + "] resume=true");
		run.worker().destroyForcibly();
		message = run.message();
		assertTrue(message.contains("The last checkpoint, step " + step + ", is in " + out) && message.contains(
			"resume=true"), message);
		assertEquals(step, savedStep(out), "the resumed worker died before its first checkpoint");

		// 3. resume=true, its worker killed while it writes a checkpoint: the half-written folder is cleared away
		run = Run.start("folder=[" + out + "] resume=true");
		worker = run.worker();
		List<String> saving;
		while ((saving = strayFolders(out)).isEmpty()) run.stillRunning("a checkpoint being written");
		worker.destroyForcibly();
		message = run.message();
		System.out.printf("TrainWorkerIT: killed while %s was written: %s%n", saving, message);
		step = savedStep(out);
		assertTrue(message.contains("The last checkpoint, step " + step + ", is in " + out), message);
		assertLoadable(out, step);
		assertEquals(Arrays.asList(), strayFolders(out), "a killed worker leaves no half-written folder behind");

		// 4. resume=true to the end
		train("true", "folder=[" + out + "] resume=true");
		System.out.printf("TrainWorkerIT: three kills and the resumed run %.1f s%n", (System.nanoTime() - t0) / 1e9);
		assertEquals(STEPS, TrainCommandTest.history(out).losses.size(), "the full step count in the history");
		assertSameModel(reference, out);
	}

	@Test
	void escAndAnInterruptStopTheWorkerAsCancelStopsTrainingInProcess() throws Exception {
		// Esc while the worker starts: a cancel, not a crash
		Path early = tmp.resolve("early");
		Run run = Run.start("folder=[" + early + "] init=[" + init + "]" + SETTINGS);
		run.worker();
		String message = escape(run);
		assertTrue(message.startsWith("Training cancelled") && !message.contains("unexpectedly"), message);

		// Esc once the first checkpoint is written: the worker saves the step it is at, and says so
		Path out = tmp.resolve("cancelled");
		run = Run.start("folder=[" + out + "] init=[" + init + "]" + SETTINGS);
		ProcessHandle worker = run.worker();
		while (!TrainingFolder.hasState(out)) run.stillRunning("its first checkpoint");
		message = escape(run);
		assertFalse(worker.isAlive());
		long step = savedStep(out);
		assertTrue(step >= EVERY && step < STEPS, "stopped in the run: " + step);
		assertTrue(message.contains("Training cancelled at step " + step + ";") && message.contains("resume=true"),
			message);
		assertLoadable(out, step);

		// the resumed run's host thread interrupted once it wrote a checkpoint of its own: the same
		run = Run.start("folder=[" + out + "] resume=true");
		worker = run.worker();
		while (savedStep(out) == step) run.stillRunning("a checkpoint of the resumed run");
		run.host.interrupt();
		message = run.message();
		assertFalse(worker.isAlive());
		long resumedTo = savedStep(out);
		assertTrue(resumedTo > step && message.contains("Training cancelled at step " + resumedTo + ";"), message);
		assertLoadable(out, resumedTo);
	}

	/** Presses Esc in this JVM, as in ImageJ, and returns the command's message. */
	private static String escape(Run run) throws Exception {
		IJ.setKeyDown(KeyEvent.VK_ESCAPE);
		try {
			return run.message();
		}
		finally {
			IJ.resetEscape();
		}
	}

	/** Trains with {@code diffusionij.train.worker=worker}. */
	private static void train(String worker, String macro) {
		System.setProperty(TrainWorker.PROPERTY, worker);
		try {
			CommandCall.run(context, info, MacroOptions.parse(macro).asMap(), stack, "an image");
		}
		finally {
			System.clearProperty(TrainWorker.PROPERTY);
		}
	}

	/** A worker training started on a thread of its own, as Fiji runs a command; it is expected to fail. */
	private static final class Run {
		final Thread host;
		final CompletableFuture<String> failure = new CompletableFuture<>();
		final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);

		private Run(String macro) {
			host = new Thread(() -> {
				try {
					CommandCall.run(context, info, MacroOptions.parse(macro).asMap(), stack, "an image");
					failure.completeExceptionally(new AssertionError("the training did not fail: " + macro));
				}
				catch (RuntimeException e) {
					failure.complete(e.getMessage());
				}
				catch (Throwable e) {
					failure.completeExceptionally(e);
				}
			}, "TrainWorkerIT-host");
		}

		static Run start(String macro) {
			System.setProperty(TrainWorker.PROPERTY, "true");
			Run r = new Run(macro);
			r.host.start();
			return r;
		}

		/** The command's failure message. */
		String message() throws Exception {
			try {
				return failure.get(60, TimeUnit.SECONDS);
			}
			catch (ExecutionException e) {
				throw new AssertionError(e.getCause().getMessage(), e.getCause());
			}
		}

		/** Waits a little, failing when the command ended or took too long while waiting for {@code what}. */
		void stillRunning(String what) throws InterruptedException {
			assertFalse(failure.isDone(), () -> "the command ended before " + what + ": " + failure.handle((m, e) ->
				e != null ? e.getMessage() : m).join());
			assertTrue(System.nanoTime() < deadline, "no " + what + " within 60 s");
			Thread.sleep(1);
		}

		/** The one worker JVM of this run. */
		ProcessHandle worker() throws InterruptedException {
			while (true) {
				List<ProcessHandle> w = workers();
				if (!w.isEmpty()) {
					assertEquals(1, w.size(), "one worker");
					return w.get(0);
				}
				stillRunning("a worker was seen");
			}
		}
	}

	/** The launcher JVMs below this one: the training workers. */
	private static List<ProcessHandle> workers() {
		return ProcessHandle.current().descendants().filter(p -> p.isAlive() && p.info().commandLine().orElse("")
			.contains(Launcher.class.getName())).collect(Collectors.toList());
	}

	private static long savedStep(Path folder) throws Exception {
		return ConfigJson.load(folder.resolve(TrainingFolder.STATE_JSON)).json().get("step")
			.getAsLong();
	}

	/** Resume can read the checkpoint, and the model in it loads as Denoise Image loads it. */
	private static void assertLoadable(Path folder, long step) throws Exception {
		DiffusionEngine.start();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			TrainingFolder.Saved s = TrainingFolder.load(folder, m);
			assertEquals(step, s.step);
			assertEquals(step, s.history.losses.size());
			assertFalse(s.optimizer.isEmpty(), "optimizer moments");
			UNet2DModel.fromFolder(folder.resolve("unet"), m);
		}
	}

	/** What a save leaves beside the folder when it is interrupted: {@code .name.saving-…}, {@code .name.old-…}. */
	private static List<String> strayFolders(Path folder) throws Exception {
		try (Stream<Path> s = Files.list(folder.getParent())) {
			return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("." + folder.getFileName() + "."))
				.collect(Collectors.toList());
		}
	}

	/**
	 * Every file of the two folders is the same, byte for byte, except what holds the wall-clock time of training:
	 * the model card's "time:" line and {@code seconds} in {@link TrainingFolder#STATE_JSON}.
	 */
	private static void assertSameModel(Path expected, Path actual) throws Exception {
		for (String f : COMPARED) {
			assertArrayEquals(Files.readAllBytes(expected.resolve(f)), Files.readAllBytes(actual.resolve(f)), f);
		}
		assertEquals(files(expected), files(actual));
		for (String f : files(expected)) {
			if (f.equals(TrainingFolder.STATE_JSON)) {
				JsonObject e = ConfigJson.load(expected.resolve(f)).json(), a = ConfigJson.load(actual.resolve(f)).json();
				e.remove("seconds");
				a.remove("seconds");
				assertEquals(e, a, f);
			}
			else if (f.equals("README.md")) {
				assertEquals(card(expected), card(actual), f);
			}
			else assertArrayEquals(Files.readAllBytes(expected.resolve(f)), Files.readAllBytes(actual.resolve(f)), f);
		}
		assertEquals(TrainCommandTest.history(expected).toJson(), TrainCommandTest.history(actual).toJson());
	}

	private static List<String> files(Path folder) throws Exception {
		try (Stream<Path> s = Files.walk(folder)) {
			return s.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString()).sorted().collect(Collectors
				.toList());
		}
	}

	private static String card(Path folder) throws Exception {
		return new String(Files.readAllBytes(folder.resolve("README.md")), StandardCharsets.UTF_8).replaceAll(
			"- time: \\d+ s", "- time: (s)");
	}
}
