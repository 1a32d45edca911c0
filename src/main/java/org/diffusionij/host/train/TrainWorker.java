package org.diffusionij.host.train;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.diffusionij.engine.ChildJvm;
import org.diffusionij.engine.OneDnnGuard;
import org.diffusionij.host.CommandStop;
import org.diffusionij.host.Launcher;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.io.ModelFolderWriter;
import org.diffusionij.pipelines.Progress;
import org.diffusionij.pipelines.train.TrainingFolder;
import org.diffusionij.pipelines.train.TrainingHistory;
import org.diffusionij.pipelines.train.TrainingListener;

/**
 * Runs Train Diffusion on Stack in a worker JVM: the same java and jars, started as the headless
 * {@link Launcher} with the command's keys, but with an environment of its own: the training role of the
 * {@link OneDnnGuard} (guarded wherever the conv2d canary found gradients wrong, while the host stays unguarded
 * for inference) and one malloc arena. A crash of libtorch there (a SIGSEGV, or {@code kill -9}) ends the worker,
 * not Fiji: the host says so and names the last checkpoint, which {@code resume=true} continues.
 * <p>
 * The host shows what the worker reports ({@link WorkerProtocol}): the status bar, the loss plot, the preview
 * (written by the worker as a small TIFF) and the Log. Cancel (Esc) sends the worker SIGTERM, which cancels its
 * command as Cancel does (the launcher's {@link CommandStop}: checkpoint of the current step); the worker also
 * stops by itself when the host vanishes (the launcher's parent watchdog). {@code -Ddiffusionij.train.worker=false}
 * always trains in the calling process, {@code =true} always in a worker.
 */
final class TrainWorker {

	/** System property: {@code inside} in the worker itself, {@code false} to train in-process. */
	static final String PROPERTY = "diffusionij.train.worker";
	/** System property of the worker: the folder the preview TIFFs go to. */
	static final String PREVIEW = "diffusionij.train.preview";

	/** The worker's exit status when it stopped on SIGTERM (128 + 15), as the launcher's {@link CommandStop} sets it. */
	private static final int STOPPED = 143;

	private final Progress progress;
	private final Path folder;
	private volatile long checkpoint = -1;
	private volatile String cancelled;
	private final Deque<String> lastErrors = new ArrayDeque<>();

	private TrainWorker(Progress progress, Path folder) {
		this.progress = progress;
		this.folder = folder;
	}

	/**
	 * Whether this process hands training to a worker: when told to ({@code -Ddiffusionij.train.worker=true}), or
	 * when this process's oneDNN setting does not give correct gradients (the canary found them wrong and the
	 * host runs unguarded for inference). Where training is safe in-process it stays there: a worker costs a JVM
	 * start and a copy of the image.
	 */
	static boolean wanted() {
		String p = System.getProperty(PROPERTY, "");
		if (p.equals("inside") || p.equalsIgnoreCase("false")) return false;
		return p.equalsIgnoreCase("true") || !OneDnnGuard.gradientsCorrectHere();
	}

	static boolean inside() {
		return "inside".equals(System.getProperty(PROPERTY));
	}

	/**
	 * Trains in a worker and returns when it is done.
	 *
	 * @param options the command's keys, as a macro line gives them (without the image)
	 * @param image the image to train on, or null when {@code options} name an {@code image_folder}
	 * @param windows whether to show the loss plot and the preview
	 * @return null when training finished, else the cancel message (the worker saved its step)
	 * @throws IllegalStateException when the worker failed or crashed, naming the last checkpoint
	 */
	static String run(Map<String, String> options, ImagePlus image, Progress progress, Path folder, boolean windows,
		String plotTitle) throws IOException
	{
		Path tmp = Files.createTempDirectory("diffusionij-train-");
		try {
			return new TrainWorker(progress, folder).train(options, image, windows, plotTitle, tmp);
		}
		finally {
			try (Stream<Path> files = Files.walk(tmp)) {
				files.sorted((a, b) -> b.compareTo(a)).forEach(f -> f.toFile().delete());
			}
		}
	}

	private String train(Map<String, String> options, ImagePlus image, boolean windows, String plotTitle, Path tmp)
		throws IOException
	{
		StringBuilder line = new StringBuilder();
		for (Map.Entry<String, String> o : options.entrySet()) {
			line.append(o.getKey()).append("=[").append(o.getValue()).append("] ");
		}
		if (image != null) {
			Path input = tmp.resolve(safeName(image.getTitle()) + ".tif");
			if (!new FileSaver(image).saveAsTiffStack(input.toString()) && !new FileSaver(image).saveAsTiff(input
				.toString()))
			{
				throw new IOException("could not hand the image to the training worker (" + input + ")");
			}
			line.append(Launcher.INPUT).append("=[").append(input).append(']');
		}
		List<String> jvm = new ArrayList<>();
		jvm.add("-Xmx" + (Runtime.getRuntime().maxMemory() >> 20) + "m");
		jvm.add("-D" + OneDnnGuard.ROLE_PROPERTY + "=training");
		jvm.add("-D" + PROPERTY + "=inside");
		jvm.add("-D" + CommandStop.PARENT_PID + "=" + ProcessHandle.current().pid());
		jvm.add("-Djava.awt.headless=true");
		jvm.add("-XX:ErrorFile=" + tmp.resolve("hs_err_pid%p.log"));
		if (windows) jvm.add("-D" + PREVIEW + "=" + tmp);
		for (String name : System.getProperties().stringPropertyNames()) {
			if (name.startsWith("PYTORCH_") || name.startsWith("ai.djl.") || name.startsWith("diffusionij.onednn") ||
				name.equals("ENGINE_CACHE_DIR") || name.equals("diffusionij.home"))
			{
				jvm.add("-D" + name + "=" + System.getProperty(name));
			}
		}
		ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(ChildJvm.java(), jvm, ChildJvm.classPath(
			TrainWorker.class, IJ.class, org.scijava.Context.class), Launcher.class.getName(), "--run",
			TrainCommand.LABEL, line.toString().trim()));
		pb.environment().put("MALLOC_ARENA_MAX", "1");
		Process worker = pb.start();
		worker.getOutputStream().close();
		TrainingHistory history = new TrainingHistory();
		TrainingListener plot = windows ? new TrainingPlot(history, plotTitle) : TrainingListener.NONE;
		TrainingPreview.Shown preview = windows ? TrainingPreview.window() : null;
		Thread out = reader(worker, false, host(history, plot, preview));
		Thread err = reader(worker, true, null);
		boolean stopSent = false, interrupted = false;
		while (true) {
			try {
				if (worker.waitFor(100, TimeUnit.MILLISECONDS)) break;
			}
			catch (InterruptedException e) {
				interrupted = true; // the host thread was interrupted: stop the worker like a cancel, then wait for it
			}
			if (!stopSent && (interrupted || progress.isCancelled())) {
				// SIGTERM: the worker saves its step, says so and exits. Not Process.destroy(), which also closes
				// this end of the worker's output, so that its last lines (the cancel, the checkpoint) were lost
				worker.toHandle().destroy();
				stopSent = true;
			}
		}
		join(out);
		join(err);
		if (interrupted) Thread.currentThread().interrupt();
		int status = worker.exitValue();
		if (status == 0 && !stopSent) return null;
		if (stopSent && cancelled != null) return cancelled;
		if (stopSent && status == STOPPED) return stoppedMessage();
		if (status == 1 && !lastErrors.isEmpty()) throw new IllegalArgumentException(lastErrors.getLast());
		throw new IllegalStateException(crashMessage(status, tmp));
	}

	/** A worker stopped by the host before it reported a cancel (before training began, say). */
	private String stoppedMessage() {
		long step = savedStep();
		return "Training cancelled" + (step >= 0 ? "; the checkpoint in " + folder + " holds step " + step +
			" (resume=true continues it)." : " before its first step; nothing was written.");
	}

	/**
	 * The step of the checkpoint in the folder, after tidying what a worker killed while writing one left (a
	 * half-written copy beside it); -1 when there is none. This is what {@code resume=true} continues: the
	 * worker's last report can lag behind it, and a resumed worker may die before it reports one of its own.
	 */
	private long savedStep() {
		try {
			ModelFolderWriter.recoverUnfinishedSave(folder);
			if (!TrainingFolder.hasState(folder)) return -1;
			return ConfigJson.load(folder.resolve(TrainingFolder.STATE_JSON)).json().get("step").getAsLong();
		}
		catch (IOException | RuntimeException e) {
			return checkpoint; // unreadable: what the worker last reported
		}
	}

	/** The message for a worker that died: what happened, and where training can go on from. */
	String crashMessage(int status, Path tmp) {
		String how = status > 128 ? "killed by signal " + (status - 128) + (status == 137 ? ", SIGKILL: killed, or out" +
			" of memory" : status == 134 || status == 139 ? ", a crash in native code" : "") : "exit status " + status;
		String log = "";
		try (Stream<Path> files = Files.list(tmp)) {
			Path crash = files.filter(f -> f.getFileName().toString().startsWith("hs_err")).findFirst().orElse(null);
			if (crash != null) {
				Path kept = Files.move(crash, Files.createTempFile("diffusionij-train-crash-", ".log"),
					StandardCopyOption.REPLACE_EXISTING);
				log = " The JVM's crash log is " + kept + ".";
			}
		}
		catch (IOException e) {
			// no crash log to keep
		}
		long step = savedStep();
		String where = step >= 0 ? "The last checkpoint, step " + step + ", is in " + folder +
			": run again with resume=true to continue from it." : "No checkpoint had been written yet; " +
				"start the training again.";
		return "The training worker process stopped unexpectedly (" + how + "); Fiji and your images are not " +
			"affected." + log + " " + where + (lastErrors.isEmpty() ? "" : " Its last message: " + lastErrors.getLast());
	}

	private WorkerProtocol.Host host(TrainingHistory history, TrainingListener plot, TrainingPreview.Shown preview) {
		TrainingListener record = WorkerProtocol.recorder(history);
		return new WorkerProtocol.Host() {
			@Override
			public void status(String message) {
				progress.status(message);
			}

			@Override
			public void step(long done, long total) {
				progress.step(done, total);
			}

			@Override
			public void trained(long step, double loss, double lr, double perSecond) {
				record.trained(step, loss, lr, perSecond);
				plot.trained(step, loss, lr, perSecond);
			}

			@Override
			public void validated(long step, double validationLoss) {
				record.validated(step, validationLoss);
				plot.validated(step, validationLoss);
			}

			@Override
			public void checkpointed(long step) {
				checkpoint = step;
			}

			@Override
			public void preview(long step, String path) {
				ImagePlus p = preview == null ? null : IJ.openImage(path);
				if (p != null) {
					p.getProcessor().setMinAndMax(-1, 1);
					preview.show(step, p.getProcessor());
				}
			}

			@Override
			public void log(String line) {
				if (line.startsWith(TrainCommand.LABEL + ": Training cancelled")) {
					cancelled = line.substring(TrainCommand.LABEL.length() + 2);
				}
				IJ.log(line);
			}
		};
	}

	private Thread reader(Process worker, boolean errors, WorkerProtocol.Host host) {
		Thread t = new Thread(() -> {
			try (BufferedReader r = new BufferedReader(new InputStreamReader(errors ? worker.getErrorStream() : worker
				.getInputStream(), StandardCharsets.UTF_8)))
			{
				for (String l = r.readLine(); l != null; l = r.readLine()) {
					if (errors) {
						synchronized (lastErrors) {
							if (l.startsWith("Stopping (") || l.startsWith("SLF4J")) continue;
							lastErrors.add(l);
							if (lastErrors.size() > 3) lastErrors.removeFirst();
						}
					}
					else WorkerProtocol.dispatch(l, host);
				}
			}
			catch (IOException e) {
				// the worker is gone: its exit status tells the rest
			}
		}, "diffusionij-train-worker-" + (errors ? "err" : "out"));
		t.setDaemon(true);
		t.start();
		return t;
	}

	private static void join(Thread t) {
		try {
			t.join(10_000);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	private static String safeName(String title) {
		String s = title == null ? "" : title.replaceAll("\\.[A-Za-z0-9]{1,5}$", "").replaceAll("[^A-Za-z0-9._-]", "_");
		return s.isEmpty() ? "image" : s;
	}

	/** Worker side: the preview goes to a TIFF in {@code folder}, reported to the host. */
	static TrainingPreview.Shown files(Path folder, java.io.PrintStream out) {
		return (step, preview) -> {
			Path file = folder.resolve("preview-" + step + ".tif");
			if (new FileSaver(new ImagePlus("preview", preview)).saveAsTiff(file.toString())) {
				WorkerProtocol.preview(out, step, file.toString());
			}
		};
	}
}
