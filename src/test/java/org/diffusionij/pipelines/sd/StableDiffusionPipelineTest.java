package org.diffusionij.pipelines.sd;

import static org.diffusionij.Fixtures.assertClose;
import static org.diffusionij.Fixtures.fixture;
import static org.diffusionij.Fixtures.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.io.safetensors.SafetensorsReader;
import org.diffusionij.pipelines.Progress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Whole Stable Diffusion pipelines on the tiny fixture folder against diffusers' own runs. */
class StableDiffusionPipelineTest {

	static NDManager manager;
	static StableDiffusionModel model;

	@BeforeAll
	static void load() throws Exception {
		DiffusionEngine.start();
		manager = NDManager.newBaseManager(Device.cpu());
		model = StableDiffusionModel.load(fixture("tiny-sd-pipe"), manager);
	}

	@AfterAll
	static void close() {
		model.close();
		manager.close();
	}

	/** NCHW → NHWC, as diffusers' output_type="np" lays images out. */
	static float[] nhwc(NDArray nchw) {
		return nchw.transpose(0, 2, 3, 1).toFloatArray();
	}

	private static void compare(String scheduler, String reference) throws Exception {
		compare(scheduler, reference, false);
	}

	/** With {@code fromSeed}, nothing but seed 42 (the fixtures' generator seed) fixes the start latents. */
	private static void compare(String scheduler, String reference, boolean fromSeed) throws Exception {
		try (NDManager m = manager.newSubManager();
			SafetensorsReader ref = SafetensorsReader.open(fixture("ref/" + reference)))
		{
			GenerationRequest r = TinyFixtureRequest.of(fromSeed ? null : ref.array("initial_latents", m));
			r.scheduler = scheduler;
			if (fromSeed) r.generator = Generator.manualSeed(42);
			NDArray image = new StableDiffusionPipeline(model).generate(r, Progress.NONE, m);
			assertClose(ref.floats("image"), nhwc(image), 1e-3, reference + ": image");
		}
	}

	/**
	 * Half precision (the GPU default) computes in float16 with float32 soft-max and schedulers: close to the
	 * float32 image, with half the weight memory.
	 */
	@Test
	void halfPrecisionStaysCloseToDiffusersFloat32() throws Exception {
		try (NDManager m = manager.newSubManager();
			StableDiffusionModel half = StableDiffusionModel.load(fixture("tiny-sd-pipe"), m, DataType.FLOAT16);
			SafetensorsReader ref = SafetensorsReader.open(fixture("ref/sd_pipeline_pndm.safetensors")))
		{
			assertEquals(DataType.FLOAT16, half.unet.dtype());
			assertEquals(DataType.FLOAT16, half.vae.dtype());
			GenerationRequest r = TinyFixtureRequest.of(ref.array("initial_latents", m));
			NDArray image = new StableDiffusionPipeline(half).generate(r, Progress.NONE, m);
			assertEquals(DataType.FLOAT32, image.getDataType());
			double err = maxAbsDiff(ref.floats("image"), nhwc(image));
			System.out.println("fp16 pipeline max abs error " + err);
			assertTrue(err <= 1e-2, "fp16 image max abs error " + err);
		}
	}

	@Test
	void previewsShowThePredictionEveryFewStepsWithoutChangingTheImage() throws Exception {
		try (NDManager m = manager.newSubManager();
			SafetensorsReader ref = SafetensorsReader.open(fixture("ref/sd_pipeline_ddim.safetensors")))
		{
			GenerationRequest r = TinyFixtureRequest.of(ref.array("initial_latents", m));
			r.scheduler = "DDIMScheduler";
			r.previewEvery = 2;
			java.util.List<String> shown = new java.util.ArrayList<>();
			r.preview = (rgb, step, total) -> {
				float[] v = rgb.toFloatArray();
				double min = 1, max = 0;
				for (float x : v) {
					min = Math.min(min, x);
					max = Math.max(max, x);
				}
				assertTrue(min >= 0 && max <= 1 && max > min, "a real image in [0, 1]");
				shown.add(step + "/" + total + " " + rgb.getShape());
			};
			NDArray image = new StableDiffusionPipeline(model).generate(r, Progress.NONE, m);
			assertEquals(java.util.Arrays.asList("2/5 (3, 32, 32)", "4/5 (3, 32, 32)"), shown, "half resolution");
			assertTrue(maxAbsDiff(ref.floats("image"), nhwc(image)) <= 1e-3, "previews leave the result unchanged");
		}
	}

	@Test
	void pndmPipelineEqualsDiffusers() throws Exception {
		compare(null, "sd_pipeline_pndm.safetensors");
	}

	@Test
	void seedAloneGivesDiffusersImage() throws Exception {
		compare(null, "sd_pipeline_pndm.safetensors", true);
	}

	@Test
	void ddimPipelineEqualsDiffusers() throws Exception {
		compare("DDIMScheduler", "sd_pipeline_ddim.safetensors");
	}

	@Test
	void eulerPipelineEqualsDiffusers() throws Exception {
		compare("EulerDiscreteScheduler", "sd_pipeline_euler.safetensors");
	}
}
