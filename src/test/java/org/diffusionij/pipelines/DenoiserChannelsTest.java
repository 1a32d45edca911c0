package org.diffusionij.pipelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.pipelines.train.ModelPresets;
import org.diffusionij.schedulers.Schedulers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How Denoise Image matches image channels to the model's, with tiny random models (the arithmetic of the
 * channel handling does not depend on the weights): a 3-channel model refuses a gray image with a message
 * that says what works; a 1-channel model denoises RGB channel by channel, or on the luminance, whose change
 * then goes to every channel alike.
 */
class DenoiserChannelsTest {

	private static NDManager manager;

	@BeforeAll
	static void start() {
		DiffusionEngine.inferenceThread();
		manager = NDManager.newBaseManager(Device.cpu());
	}

	@AfterAll
	static void stop() {
		manager.close();
	}

	private static Denoiser model(int channels) {
		JsonObject c = ModelPresets.unetConfig("small", channels, 32);
		c.add("block_out_channels", new Gson().toJsonTree(new int[] { 8, 16 }));
		c.add("down_block_types", new Gson().toJsonTree(new String[] { "DownBlock2D", "DownBlock2D" }));
		c.add("up_block_types", new Gson().toJsonTree(new String[] { "UpBlock2D", "UpBlock2D" }));
		c.addProperty("norm_num_groups", 4);
		UNet2DModel unet = new UNet2DModel(new ConfigJson(c, "test"));
		unet.initialize(manager, Generator.manualSeed(3));
		return new Denoiser(unet, Schedulers.fromConfig(new ConfigJson(ModelPresets.ddpmSchedulerConfig("epsilon"),
			"test")), Normalization.percentile());
	}

	private static float[][] rgb() {
		TestImage a = TestImage.load("skimage_camera.png").crop(200, 100, 32, 32);
		return new float[][] { a.withNoise(20, 1).plane, a.withNoise(20, 2).plane, a.withNoise(20, 3).plane };
	}

	private static DenoiseSettings settings(DenoiseSettings.Channels channels) {
		DenoiseSettings s = new DenoiseSettings();
		s.sigma = 20.0;
		s.channels = channels;
		return s;
	}

	@Test
	void aThreeChannelModelRefusesAGrayImageAndSaysWhatWorks() {
		float[][] gray = { rgb()[0] };
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model(3).denoise(gray, 1, 32,
			32, settings(DenoiseSettings.Channels.PER_CHANNEL), Progress.NONE, manager));
		assertTrue(e.getMessage().contains("3-channel") && e.getMessage().contains("RGB Color") && e.getMessage()
			.contains("channels=per-channel"), e.getMessage());
	}

	@Test
	void perChannelDenoisesEachChannelAsAGrayImage() {
		Denoiser d = model(1);
		float[][] rgb = rgb();
		DenoiseResult all = d.denoise(rgb, 3, 32, 32, settings(DenoiseSettings.Channels.PER_CHANNEL), Progress.NONE,
			manager);
		for (int c = 0; c < 3; c++) {
			float[] alone = d.denoise(new float[][] { rgb[c] }, 1, 32, 32, settings(DenoiseSettings.Channels.PER_CHANNEL),
				Progress.NONE, manager).planes[0];
			assertArrayEquals(alone, all.planes[c], 1e-3f, "channel " + c);
		}
	}

	@Test
	void luminanceChangesEveryChannelAlike() {
		float[][] rgb = rgb();
		DenoiseResult r = model(1).denoise(rgb, 3, 32, 32, settings(DenoiseSettings.Channels.LUMINANCE), Progress.NONE,
			manager);
		assertEquals(1, r.sigmas.length, "one luminance plane");
		double change = 0;
		for (int i = 0; i < rgb[0].length; i++) {
			float d = r.planes[0][i] - rgb[0][i];
			change += Math.abs(d);
			assertEquals(d, r.planes[1][i] - rgb[1][i], 1e-3f, "pixel " + i);
			assertEquals(d, r.planes[2][i] - rgb[2][i], 1e-3f, "pixel " + i);
		}
		assertTrue(change > 0, "the luminance was changed");
	}
}
