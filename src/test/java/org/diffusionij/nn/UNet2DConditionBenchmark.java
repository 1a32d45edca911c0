/*
 * Run from the repository root (one JVM of its own, so peak RSS is the benchmark's, not Maven's):
 *
 *   flock /tmp/mvn.lock mvn -o -B -q test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 *   flock /tmp/mvn.lock java -Xmx2g -cp target/test-classes:target/classes:$(cat target/test.classpath) \
 *     org.diffusionij.nn.UNet2DConditionBenchmark
 *
 * Add "tiny" after the class name to skip the SD-1.5-sized UNet (it needs about 3.4 GB for its weights alone).
 */
package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Locale;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.io.ConfigJson;

/**
 * Seconds per {@link UNet2DConditionModel} forward pass at batch 2 (one classifier-free guidance step: the
 * unconditional and the conditional prediction together) for the tiny fixture UNet and for a UNet of Stable
 * Diffusion 1.5's size with random weights (859.5M parameters, 8 heads, cross_attention_dim 768) at latent 32×32
 * (256 px) and 64×64 (512 px), with peak RSS (VmHWM) and the achieved GFLOP/s of the counted matrix products,
 * beside libtorch's own float32 matmul speed measured in the same run. A benchmark, not a test: it asserts nothing.
 */
public final class UNet2DConditionBenchmark {

	private static final String SD15 = "{\"_class_name\":\"UNet2DConditionModel\",\"sample_size\":64," +
		"\"block_out_channels\":[320,640,1280,1280],\"layers_per_block\":2,\"cross_attention_dim\":768," +
		"\"attention_head_dim\":8}";
	private static final int BATCH = 2;
	private static final int TOKENS = 77;

	private UNet2DConditionBenchmark() {}

	public static void main(String[] args) throws IOException {
		boolean tinyOnly = args.length > 0 && args[0].equals("tiny");
		DiffusionEngine.start();
		DiffusionEngine.inferenceThread();
		try (NDManager manager = NDManager.newBaseManager(DiffusionEngine.device(System.getProperty("bench.device", "cpu")))) {
			System.out.print(DiffusionEngine.info());
			System.out.printf(Locale.ROOT, "libtorch matmul 1024x1024 float32: %.1f GFLOP/s%n%n", UNetBenchmark
				.matmulGflops(manager));
			System.out.println("| model | params | latent | batch | s/forward | GFLOP/forward | GFLOP/s | " +
				"peak RSS MiB |");
			System.out.println("|---|---|---|---|---|---|---|---|");
			UNet2DConditionModel tiny = UNet2DConditionModel.fromFolder(Paths.get(
				"src/test/resources/fixtures/tiny-sd-pipe/unet"), manager);
			run("tiny-sd-pipe fixture", tiny, 32, 9, manager);
			if (tinyOnly) return;
			UNet2DConditionModel sd = new UNet2DConditionModel(ConfigJson.parse(SD15, "SD-1.5-sized UNet"));
			long t0 = System.nanoTime();
			sd.initialize(manager, Generator.manualSeed(0));
			System.out.printf(Locale.ROOT, "(random init of %.1fM parameters: %.1f s)%n", sd.parameterCount() / 1e6,
				(System.nanoTime() - t0) / 1e9);
			run("SD-1.5-sized, random weights", sd, 32, 3, manager);
			run("SD-1.5-sized, random weights", sd, 64, 2, manager);
		}
	}

	/** Median of {@code repeats} timed forward passes after one warm-up pass. */
	private static void run(String label, UNet2DConditionModel model, int latent, int repeats, NDManager manager)
		throws IOException
	{
		UNet2DConditionConfig c = model.config();
		double[] seconds = new double[repeats];
		long flops = 0;
		Generator.manualSeed(latent);
		try (NDManager m = manager.newSubManager()) {
			NDArray sample = m.randomNormal(new Shape(BATCH, c.inChannels, latent, latent));
			NDArray text = m.randomNormal(new Shape(BATCH, TOKENS, c.crossAttentionDim[0]));
			NDArray t = m.create(500L);
			for (int i = -1; i < repeats; i++) {
				try (NDManager step = m.newSubManager()) {
					NDArray x = sample.duplicate();
					x.attach(step);
					Flops.start();
					long t0 = System.nanoTime();
					model.forward(x, t, text).toFloatArray();
					long t1 = System.nanoTime();
					long counted = Flops.stop();
					if (i >= 0) {
						seconds[i] = (t1 - t0) / 1e9;
						flops = counted;
					}
				}
			}
		}
		Arrays.sort(seconds);
		double median = seconds[repeats / 2];
		System.out.printf(Locale.ROOT, "| %s | %.1fM | %dx%d | %d | %.3f | %.1f | %.1f | %d |%n", label, model
			.parameterCount() / 1e6, latent, latent, BATCH, median, flops / 1e9, flops / 1e9 / median, UNetBenchmark
				.peakRssMiB());
	}
}
