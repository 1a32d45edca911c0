/*
 * Run from the repository root (one JVM of its own, so peak RSS is the benchmark's, not Maven's):
 *
 *   flock /tmp/mvn.lock mvn -o -B -q test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 *   flock /tmp/mvn.lock java -Xmx2g -cp target/test-classes:target/classes:$(cat target/test.classpath) \
 *     org.diffusionij.pipelines.sd.StableDiffusionBenchmark
 *
 * Add "tiny" after the class name for the tiny fixture pipeline only; -Dbench.precision=fp16 computes in half
 * precision and -Dbench.device=gpu runs on the first GPU (peak RSS then counts host memory only).
 */
package org.diffusionij.pipelines.sd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.nn.AutoencoderKL;
import org.diffusionij.nn.UNet2DConditionModel;
import org.diffusionij.nn.UNetBenchmark;
import org.diffusionij.pipelines.Progress;
import org.diffusionij.schedulers.Scheduler;
import org.diffusionij.schedulers.Schedulers;

/**
 * Seconds per Stable Diffusion step (UNet at batch 2 for classifier-free guidance, guidance and a DDIM
 * scheduler step) and peak RSS, for the whole tiny fixture pipeline and for a UNet of Stable Diffusion 1.5's
 * size with random weights at 256×256 and 512×512 (latent 32 and 64), plus the SD-sized VAE decode; and the
 * bytes the weights take in float32 and would take in float16. A benchmark, not a test: it asserts nothing.
 */
public final class StableDiffusionBenchmark {

	private static final String SD15_UNET = "{\"_class_name\":\"UNet2DConditionModel\",\"sample_size\":64," +
		"\"block_out_channels\":[320,640,1280,1280],\"layers_per_block\":2,\"cross_attention_dim\":768," +
		"\"attention_head_dim\":8}";
	private static final String SD15_VAE = "{\"_class_name\":\"AutoencoderKL\",\"block_out_channels\":" +
		"[128,256,512,512],\"layers_per_block\":2,\"latent_channels\":4,\"sample_size\":512," +
		"\"down_block_types\":[\"DownEncoderBlock2D\",\"DownEncoderBlock2D\",\"DownEncoderBlock2D\"," +
		"\"DownEncoderBlock2D\"],\"up_block_types\":[\"UpDecoderBlock2D\",\"UpDecoderBlock2D\"," +
		"\"UpDecoderBlock2D\",\"UpDecoderBlock2D\"]}";
	private static final String SD15_SCHEDULER = "{\"_class_name\":\"DDIMScheduler\",\"beta_end\":0.012," +
		"\"beta_schedule\":\"scaled_linear\",\"beta_start\":0.00085,\"steps_offset\":1}";

	private StableDiffusionBenchmark() {}

	public static void main(String[] args) throws IOException {
		boolean tinyOnly = args.length > 0 && args[0].equals("tiny");
		DataType dtype = System.getProperty("bench.precision", "fp32").equals("fp16") ? DataType.FLOAT16 :
			DataType.FLOAT32;
		DiffusionEngine.start();
		DiffusionEngine.inferenceThread();
		try (NDManager manager = NDManager.newBaseManager(DiffusionEngine.device(System.getProperty("bench.device", "cpu")))) {
			System.out.print(DiffusionEngine.info());
			System.out.println("Precision: " + dtype + " (-Dbench.precision=fp16 or fp32), device: " + manager
				.getDevice() + " (-Dbench.device=gpu or cpu)");
			System.out.println("| model | size | batch | s/step | peak RSS MiB |");
			System.out.println("|---|---|---|---|---|");
			tinyPipeline(manager, dtype);
			if (tinyOnly) return;
			UNet2DConditionModel unet = new UNet2DConditionModel(ConfigJson.parse(SD15_UNET, "SD-1.5-sized UNet"));
			unet.initialize(manager, Generator.manualSeed(0));
			unet.convertTo(dtype);
			AutoencoderKL vae = new AutoencoderKL(ConfigJson.parse(SD15_VAE, "SD-1.5-sized VAE"));
			vae.initialize(manager, Generator.manualSeed(1));
			vae.convertTo(dtype);
			unetSteps(unet, 32, 3, manager);
			unetSteps(unet, 64, 1, manager);
			vaeDecode(vae, 32, manager);
			vaeDecode(vae, 64, manager);
			long params = unet.parameterCount() + vae.parameterCount();
			System.out.printf(Locale.ROOT, "%nSD-1.5-sized UNet + VAE: %,d parameters; weights in float32 %,d MiB, " +
				"in float16 %,d MiB: fp16 saves %,d MiB (text encoder not counted)%n", params, params * 4 >> 20, params *
					2 >> 20, params * 2 >> 20);
		}
	}

	/** The whole pipeline on the fixture, 64×64, 5 PNDM steps, guidance 7.5: median seconds between steps. */
	private static void tinyPipeline(NDManager manager, DataType dtype) throws IOException {
		try (StableDiffusionModel model = StableDiffusionModel.load(Paths.get(
			"src/test/resources/fixtures/tiny-sd-pipe"), manager, dtype))
		{
			GenerationRequest r = new GenerationRequest();
			r.prompt = "A painting of a squirrel eating a burger";
			r.width = r.height = 64;
			r.steps = 5;
			r.generator = Generator.manualSeed(42);
			List<Long> stamps = new ArrayList<>();
			Progress timing = new Progress() {
				@Override
				public void status(String text) {}

				@Override
				public void step(long done, long total) {
					stamps.add(System.nanoTime());
				}

				@Override
				public boolean isCancelled() {
					return false;
				}
			};
			for (int run = 0; run < 2; run++) {
				stamps.clear();
				long t0 = System.nanoTime();
				try (NDManager m = manager.newSubManager()) {
					new StableDiffusionPipeline(model).generate(r, timing, m).toFloatArray();
				}
				if (run == 1) {
					double perStep = (stamps.get(stamps.size() - 1) - stamps.get(0)) / 1e9 / (stamps.size() - 1);
					System.out.printf(Locale.ROOT, "| tiny-sd-pipe fixture (whole run %.2f s) | 64×64 | 2 | %.4f | %d |%n",
						(System.nanoTime() - t0) / 1e9, perStep, UNetBenchmark.peakRssMiB());
				}
			}
		}
	}

	/** UNet at batch 2, guidance and a DDIM step, as one pipeline step; median of {@code steps} after a warm-up. */
	private static void unetSteps(UNet2DConditionModel unet, int latent, int steps, NDManager manager)
		throws IOException
	{
		Generator generator = Generator.manualSeed(latent);
		try (NDManager m = manager.newSubManager();
			Scheduler scheduler = Schedulers.fromConfig(ConfigJson.parse(SD15_SCHEDULER, "SD 1.5 scheduler")))
		{
			scheduler.setTimesteps(50);
			NDArray latents = m.randomNormal(new Shape(1, 4, latent, latent));
			NDArray text = m.randomNormal(new Shape(2, 77, 768));
			double[] seconds = new double[steps];
			for (int i = -1; i < steps; i++) {
				if (i == -1 && latent > 32) continue;
				float t = scheduler.timesteps()[i + 1];
				try (NDManager step = m.newSubManager()) {
					long t0 = System.nanoTime();
					NDArray input = latents.concat(latents, 0);
					NDArray noise = unet.forward(input, step.create(new float[] { t }), text);
					noise.attach(step);
					NDArray guided = noise.get("0:1").add(noise.get("1:2").sub(noise.get("0:1")).mul(7.5f));
					NDArray next = scheduler.step(guided, t, latents, generator).prevSample;
					next.toFloatArray();
					if (i >= 0) seconds[i] = (System.nanoTime() - t0) / 1e9;
				}
			}
			java.util.Arrays.sort(seconds);
			System.out.printf(Locale.ROOT, "| SD-1.5-sized UNet, random weights (%s) | %d×%d | 2 | %.2f | %d |%n",
				steps == 1 ? "one step, no warm-up" : "median of " + steps, latent * 8, latent * 8, seconds[steps / 2],
				UNetBenchmark.peakRssMiB());
		}
	}

	private static void vaeDecode(AutoencoderKL vae, int latent, NDManager manager) throws IOException {
		try (NDManager m = manager.newSubManager()) {
			NDArray z = m.randomNormal(new Shape(1, 4, latent, latent));
			long t0 = System.nanoTime();
			vae.decode(z).toFloatArray();
			System.out.printf(Locale.ROOT, "| SD-1.5-sized VAE decode, random weights (once) | %d×%d | 1 | %.2f | %d |%n",
				latent * 8, latent * 8, (System.nanoTime() - t0) / 1e9, UNetBenchmark.peakRssMiB());
		}
	}
}
