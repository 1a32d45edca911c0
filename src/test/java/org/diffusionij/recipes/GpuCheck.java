package org.diffusionij.recipes;

import static org.diffusionij.Fixtures.fixture;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.io.safetensors.SafetensorsReader;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.pipelines.Progress;
import org.diffusionij.pipelines.sd.GenerationRequest;
import org.diffusionij.pipelines.sd.StableDiffusionModel;
import org.diffusionij.pipelines.sd.StableDiffusionPipeline;
import org.diffusionij.pipelines.sd.TinyFixtureRequest;

/**
 * Checks a GPU build of libtorch before it is trusted with training: the tiny DDPM UNet's forward pass and a
 * Stable Diffusion pipeline on the GPU against diffusers' fixtures, and the gradients of the bundled denoiser's
 * loss on the GPU against the same gradients on the CPU. Run from the repository root with the test class path;
 * prints each error and exits non-zero when one is over its tolerance. Tolerances allow for TF32 convolutions
 * (cuDNN's default on Ampere and later). {@code -Dcheck.device=cpu} runs the same checks on the CPU.
 */
public final class GpuCheck {

	private static final double FORWARD_TOLERANCE = 5e-3, GRADIENT_TOLERANCE = 2e-2;

	private GpuCheck() {}

	public static void main(String[] args) throws Exception {
		DiffusionEngine.start();
		System.out.print(DiffusionEngine.info());
		Device gpu = DiffusionEngine.device(System.getProperty("check.device", "gpu"));
		int failures = forward(gpu) + gradients(gpu) + pipeline(gpu);
		System.out.println(failures == 0 ? "GPU check passed" : "GPU check FAILED in " + failures + " check(s)");
		System.exit(failures == 0 ? 0 : 1);
	}

	/** Max abs difference relative to the reference's largest magnitude; prints it and returns 1 when over. */
	private static int report(String what, float[] expected, float[] got, double tolerance) {
		double diff = 0, scale = 1e-12;
		for (int i = 0; i < expected.length; i++) {
			diff = Math.max(diff, Math.abs(expected[i] - got[i]));
			scale = Math.max(scale, Math.abs(expected[i]));
		}
		boolean ok = expected.length == got.length && diff / scale <= tolerance;
		System.out.printf(Locale.ROOT, "%-44s relative error %.2e %s%n", what, diff / scale, ok ? "ok" : "OVER " + tolerance);
		return ok ? 0 : 1;
	}

	private static int forward(Device gpu) throws Exception {
		DiffusionEngine.inferenceThread();
		try (NDManager m = NDManager.newBaseManager(gpu);
			SafetensorsReader ref = SafetensorsReader.open(fixture("unet2d_forward.safetensors")))
		{
			UNet2DModel unet = UNet2DModel.fromFolder(fixture("tiny-ddpm/unet"), m);
			NDArray sample = ref.array("sample", m);
			return report("tiny UNet2DModel forward t=10", ref.floats("out_t10"),
				unet.forward(sample, m.create(10L)).toFloatArray(), FORWARD_TOLERANCE) +
				report("tiny UNet2DModel forward t=999", ref.floats("out_t999"),
					unet.forward(sample, m.create(999L)).toFloatArray(), FORWARD_TOLERANCE);
		}
	}

	private static Map<String, float[]> lossGradients(Device device, Path model) throws Exception {
		DiffusionEngine.trainingThread();
		Random random = new Random(1);
		float[] x = new float[4 * 32 * 32], target = new float[x.length];
		for (int i = 0; i < x.length; i++) {
			x[i] = (float) random.nextGaussian();
			target[i] = (float) random.nextGaussian();
		}
		Map<String, float[]> grads = new LinkedHashMap<>();
		try (NDManager m = NDManager.newBaseManager(device)) {
			UNet2DModel unet = UNet2DModel.fromFolder(model, m);
			unet.parameters().values().forEach(p -> p.setRequiresGradient(true));
			try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
				NDArray out = unet.forward(m.create(x, new Shape(4, 1, 32, 32)), m.create(new float[] { 10, 50, 200, 900 }));
				gc.backward(out.sub(m.create(target, new Shape(4, 1, 32, 32))).square().mean());
			}
			unet.parameters().forEach((k, p) -> grads.put(k, p.getGradient().toFloatArray()));
		}
		finally {
			DiffusionEngine.inferenceThread();
		}
		return grads;
	}

	private static int gradients(Device gpu) throws Exception {
		Path model = Paths.get("models/denoise-gray/unet");
		Map<String, float[]> cpu = lossGradients(Device.cpu(), model), onGpu = lossGradients(gpu, model);
		double worst = 0;
		String worstName = "";
		for (Map.Entry<String, float[]> e : cpu.entrySet()) {
			float[] a = e.getValue(), b = onGpu.get(e.getKey());
			double d = 0, n = 1e-20;
			for (int i = 0; i < a.length; i++) {
				d += (a[i] - b[i]) * (double) (a[i] - b[i]);
				n += a[i] * (double) a[i];
			}
			if (Math.sqrt(d / n) > worst) {
				worst = Math.sqrt(d / n);
				worstName = e.getKey();
			}
		}
		boolean ok = worst <= GRADIENT_TOLERANCE;
		System.out.printf(Locale.ROOT, "%-44s relative error %.2e %s (worst: %s)%n", "denoiser loss gradients GPU vs CPU",
			worst, ok ? "ok" : "OVER " + GRADIENT_TOLERANCE, worstName);
		return ok ? 0 : 1;
	}

	private static int pipeline(Device gpu) throws Exception {
		DiffusionEngine.inferenceThread();
		int failures = 0;
		try (NDManager m = NDManager.newBaseManager(gpu);
			SafetensorsReader ref = SafetensorsReader.open(fixture("ref/sd_pipeline_pndm.safetensors")))
		{
			StableDiffusionModel model = StableDiffusionModel.load(fixture("tiny-sd-pipe"), m);
			for (boolean fromSeed : new boolean[] { false, true }) {
				GenerationRequest r = TinyFixtureRequest.of(fromSeed ? null : ref.array("initial_latents", m));
				if (fromSeed) r.generator = Generator.manualSeed(42);
				NDArray image = new StableDiffusionPipeline(model).generate(r, Progress.NONE, m);
				failures += report("tiny SD pipeline PNDM" + (fromSeed ? " from seed 42" : " fixed latents"),
					ref.floats("image"), image.transpose(0, 2, 3, 1).toFloatArray(), FORWARD_TOLERANCE);
			}
			model.close();
			try (StableDiffusionModel half = StableDiffusionModel.load(fixture("tiny-sd-pipe"), m, DataType.FLOAT16)) {
				GenerationRequest r = TinyFixtureRequest.of(ref.array("initial_latents", m));
				NDArray image = new StableDiffusionPipeline(half).generate(r, Progress.NONE, m);
				failures += report("tiny SD pipeline PNDM in float16", ref.floats("image"), image.transpose(0, 2, 3, 1)
					.toFloatArray(), 2e-2);
			}
		}
		return failures;
	}
}
