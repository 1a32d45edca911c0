/*
 * Run from the repository root, one JVM per batch size so that each peak RSS is that run's own:
 *
 *   mvn -o -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
 *   for b in 8 32; do java -cp target/test-classes:target/classes:$(cat target/classpath.txt) \
 *     org.diffusionij.recipes.TrainingBenchmark $b; done
 */
package org.diffusionij.recipes;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ij.IJ;
import ij.ImagePlus;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.host.train.TrainingData;
import org.diffusionij.pipelines.train.TrainingStart;
import org.diffusionij.pipelines.Normalization;
import org.diffusionij.pipelines.train.Trainer;
import org.diffusionij.pipelines.train.TrainingSettings;

/**
 * Training speed and memory of Train Diffusion on Stack's default preset (small) at patch 64 on the CPU (or
 * the device given as the second argument), on a real stack (imagingbook's CityscapeSmallStack): training
 * samples per second (median of the timed steps after two warm-up steps) and the process's peak RSS (VmHWM).
 * A benchmark, not a test: it asserts nothing.
 */
public final class TrainingBenchmark {

	private static final int WARM_UP = 2, TIMED = 6;

	private TrainingBenchmark() {}

	public static void main(String[] args) throws Exception {
		int batch = args.length > 0 ? Integer.parseInt(args[0]) : 8;
		String device = args.length > 1 ? args[1] : "cpu";
		DiffusionEngine.start();
		Device dev = DiffusionEngine.device(device);
		try (NDManager m = NDManager.newBaseManager(dev)) {
			TrainingData data = TrainingData.of(cityscape(), Normalization.percentile());
			TrainingSettings s = new TrainingSettings();
			s.batch = batch;
			s.patch = 64;
			s.steps = WARM_UP + TIMED;
			s.checkpointEvery = Long.MAX_VALUE;
			TrainingStart start = TrainingStart.scratch("small", data.channels(), s, m);
			Trainer t = new Trainer(start.unet, start.scheduler, data.planes, s, m);
			DiffusionEngine.trainingThread();
			double[] seconds = new double[TIMED];
			for (int i = 0; i < WARM_UP + TIMED; i++) {
				long t0 = System.nanoTime();
				t.trainStep();
				if (i >= WARM_UP) seconds[i - WARM_UP] = (System.nanoTime() - t0) / 1e9;
			}
			Arrays.sort(seconds);
			double median = (seconds[TIMED / 2 - 1] + seconds[TIMED / 2]) / 2;
			System.out.printf(Locale.ROOT, "| preset small (%d params) | %s, %d threads | batch %d | patch 64 | " +
				"%.2f s/step | %.1f samples/s | peak RSS %d MiB |%n", start.unet.parameterCount(), dev,
				DiffusionEngine.threads(), batch, median, batch / median, peakRssMiB());
		}
	}

	private static ImagePlus cityscape() throws Exception {
		Path file = Files.createTempFile("cityscape", ".tif");
		try (InputStream in = TrainingBenchmark.class.getResourceAsStream(
			"/imagingbook/sampleimages/GeneralSampleImage-data/CityscapeSmallStack.tif"))
		{
			Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
		}
		ImagePlus imp = IJ.openImage(file.toString());
		Files.delete(file);
		return imp;
	}

	/** Peak resident set size of this process (Linux /proc/self/status VmHWM), in MiB; -1 elsewhere. */
	private static long peakRssMiB() throws Exception {
		Path status = Paths.get("/proc/self/status");
		if (!Files.isReadable(status)) return -1;
		for (String line : Files.readAllLines(status)) {
			if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
		}
		return -1;
	}
}
