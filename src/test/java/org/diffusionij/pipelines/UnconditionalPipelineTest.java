package org.diffusionij.pipelines;

import static org.diffusionij.Fixtures.assertClose;
import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.io.safetensors.SafetensorsReader;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.schedulers.Scheduler;
import org.diffusionij.schedulers.Schedulers;
import org.junit.jupiter.api.Test;

/** Whole pipelines from a seed alone against diffusers' DDPMPipeline and DDIMPipeline on the tiny model. */
class UnconditionalPipelineTest {

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
			// NHWC with C = 1: same order
			assertClose(ref.floats("image"), image.toFloatArray(), 1e-3, reference);
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
