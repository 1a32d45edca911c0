/*
 * Run from the repository root (a JVM of its own, so peak RSS is the benchmark's, not Maven's):
 *
 *   mvn -o -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
 *   java -cp target/test-classes:target/classes:$(cat target/classpath.txt) org.diffusionij.nn.UNetBenchmark
 */
package org.diffusionij.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Locale;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.pipelines.Progress;
import org.diffusionij.pipelines.UnconditionalPipeline;
import org.diffusionij.pipelines.train.ModelPresets;
import org.diffusionij.schedulers.Schedulers;

/**
 * Speed and memory of {@link UNet2DModel} forward passes on this machine: the tiny fixture UNet and a realistic
 * 64×64 DDPM UNet (block_out_channels 64/128/256/256, attention at the two lowest resolutions, random weights),
 * at batch 1 and 8. Prints ms per forward (median after warm-up), ms per sampling step (a 5-step DDIM run of
 * {@link UnconditionalPipeline}: forward plus scheduler step, divided by 5), achieved GFLOP/s of the counted matrix
 * products, peak RSS (VmHWM), and, as the yardstick, libtorch's own float32 1024×1024 matmul GFLOP/s measured in
 * the same run. A benchmark, not a test: it asserts nothing.
 */
public final class UNetBenchmark {

	private static final String REALISTIC = "{\"_class_name\":\"UNet2DModel\",\"sample_size\":64," +
		"\"in_channels\":3,\"out_channels\":3,\"block_out_channels\":[64,128,256,256],\"layers_per_block\":2," +
		"\"down_block_types\":[\"DownBlock2D\",\"DownBlock2D\",\"AttnDownBlock2D\",\"AttnDownBlock2D\"]," +
		"\"up_block_types\":[\"AttnUpBlock2D\",\"AttnUpBlock2D\",\"UpBlock2D\",\"UpBlock2D\"]," +
		"\"attention_head_dim\":8,\"norm_num_groups\":32}";

	private UNetBenchmark() {}

	public static void main(String[] args) throws IOException {
		DiffusionEngine.start();
		DiffusionEngine.inferenceThread();
		try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
			System.out.print(DiffusionEngine.info());
			System.out.printf(Locale.ROOT, "libtorch matmul 1024x1024 float32: %.1f GFLOP/s%n%n", matmulGflops(
				manager));
			System.out.println("| model | params | batch | ms/forward | ms/sampling step | GFLOP/forward | GFLOP/s | " +
				"peak RSS MiB |");
			System.out.println("|---|---|---|---|---|---|---|---|");
			Path tiny = Paths.get("src/test/resources/fixtures/tiny-ddpm/unet");
			UNet2DModel fixture = UNet2DModel.fromFolder(tiny, manager);
			run("tiny-ddpm fixture (32x32x1)", fixture, manager);
			UNet2DModel realistic = new UNet2DModel(ConfigJson.parse(REALISTIC, "realistic UNet2DModel"));
			realistic.initialize(manager, Generator.manualSeed(0));
			run("realistic DDPM (64x64x3)", realistic, manager);
			System.out.println("\nFor comparison, diffusers on PyTorch 1.13 (fixtures README, same kind of 2-core" +
				" machine): realistic UNet 123 ms at batch 1, 690 ms at batch 8.");
		}
	}

	private static void run(String label, UNet2DModel model, NDManager manager) throws IOException {
		UNet2DConfig c = model.config();
		for (int batch : new int[] { 1, 8 }) {
			int repeats = batch == 1 ? 9 : 5;
			double[] ms = new double[repeats];
			long flops = 0;
			Generator.manualSeed(batch);
			try (NDManager m = manager.newSubManager()) {
				NDArray sample = m.randomNormal(new Shape(batch, c.inChannels, c.sampleSize, c.sampleSize));
				NDArray t = m.create(500L);
				for (int i = -2; i < repeats; i++) {
					try (NDManager step = m.newSubManager()) {
						NDArray x = sample.duplicate();
						x.attach(step);
						Flops.start();
						long t0 = System.nanoTime();
						NDArray out = model.forward(x, t);
						out.toFloatArray();
						long t1 = System.nanoTime();
						long counted = Flops.stop();
						if (i >= 0) {
							ms[i] = (t1 - t0) / 1e6;
							flops = counted;
						}
					}
				}
			}
			Arrays.sort(ms);
			double median = ms[repeats / 2];
			double step = samplingStepMs(model, batch, manager);
			System.out.printf(Locale.ROOT, "| %s | %.2fM | %d | %.1f | %.1f | %.2f | %.1f | %d |%n", label, model
				.parameterCount() / 1e6, batch, median, step, flops / 1e9, flops / 1e6 / median, peakRssMiB());
		}
	}

	/** Milliseconds per step of a 5-step DDIM sampling run (after one warm-up run). */
	private static double samplingStepMs(UNet2DModel model, int batch, NDManager manager) {
		int steps = 5;
		long best = Long.MAX_VALUE;
		for (int i = 0; i < 2; i++) {
			try (NDManager m = manager.newSubManager()) {
				UnconditionalPipeline p = new UnconditionalPipeline(model, Schedulers.create("DDIMScheduler",
					new ConfigJson(ModelPresets.ddpmSchedulerConfig("epsilon"), "DDPM defaults")));
				long t0 = System.nanoTime();
				p.generate(batch, 0, steps, Generator.manualSeed(0), Progress.NONE, m).toFloatArray();
				best = Math.min(best, System.nanoTime() - t0);
			}
		}
		return best / 1e6 / steps;
	}

	static double matmulGflops(NDManager manager) {
		int n = 1024;
		try (NDManager m = manager.newSubManager()) {
			NDArray a = m.randomNormal(new Shape(n, n));
			NDArray b = m.randomNormal(new Shape(n, n));
			double[] ms = new double[11];
			for (int i = -3; i < ms.length; i++) {
				long t0 = System.nanoTime();
				NDArray p = a.matMul(b);
				p.toFloatArray();
				long t1 = System.nanoTime();
				p.close();
				if (i >= 0) ms[i] = (t1 - t0) / 1e6;
			}
			Arrays.sort(ms);
			return 2.0 * n * n * n / 1e6 / ms[ms.length / 2];
		}
	}

	/** Peak resident set size of this process (Linux /proc/self/status VmHWM), in MiB; -1 elsewhere. */
	public static long peakRssMiB() throws IOException {
		Path status = Paths.get("/proc/self/status");
		if (!Files.isReadable(status)) return -1;
		for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
			if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
		}
		return -1;
	}
}
