package org.diffusionij.pipelines;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.io.SafetensorsReader;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.schedulers.Scheduler;
import org.diffusionij.schedulers.Schedulers;
import org.junit.jupiter.api.Test;

/** Whole pipelines from a seed alone against diffusers' DDPMPipeline and DDIMPipeline on the tiny model. */
class UnconditionalPipelineTest {

	static Path fixture(String name) throws Exception {
		return Paths.get(UnconditionalPipelineTest.class.getResource("/fixtures/" + name).toURI());
	}

	private static void compare(String schedulerClass, String reference) throws Exception {
		DiffusionEngine.start();
		Path folder = fixture("tiny-ddpm");
		try (NDManager m = NDManager.newBaseManager(Device.cpu());
			SafetensorsReader ref = SafetensorsReader.open(fixture("ref/" + reference)))
		{
			UNet2DModel unet = UNet2DModel.fromFolder(folder.resolve("unet"), m);
			ConfigJson config = ConfigJson.load(folder.resolve("scheduler/scheduler_config.json"));
			Scheduler scheduler = schedulerClass == null ? Schedulers.fromConfig(config) :
				Schedulers.create(schedulerClass, config);
			NDArray image = new UnconditionalPipeline(unet, scheduler).generate(1, 0, 10, Generator.manualSeed(0), Progress.NONE, m);
			assertArrayEquals(new long[] { 1, 1, 32, 32 }, image.getShape().getShape());
			float[] got = image.toFloatArray(), want = ref.floats("image"); // NHWC with C = 1: same order
			double max = 0;
			for (int i = 0; i < got.length; i++) max = Math.max(max, Math.abs(got[i] - want[i]));
			assertTrue(max <= 1e-3, reference + ": max abs error " + max);
		}
	}

	@Test
	void ddpmPipelineFromSeedEqualsDiffusers() throws Exception {
		compare(null, "ddpm_pipeline.safetensors");
	}

	@Test
	void ddimPipelineFromSeedEqualsDiffusers() throws Exception {
		compare("DDIMScheduler", "ddim_pipeline.safetensors");
	}
}
