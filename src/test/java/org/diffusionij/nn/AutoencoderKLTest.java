package org.diffusionij.nn;

import static org.diffusionij.Fixtures.assertMatches;
import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.io.safetensors.SafetensorsReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** AutoencoderKL against the decode and encode outputs diffusers computed for the tiny SD VAE (ref/vae). */
class AutoencoderKLTest {

	private static final double TOLERANCE = 1e-4;

	private static NDManager manager;
	private static AutoencoderKL vae;

	@BeforeAll
	static void load() throws Exception {
		DiffusionEngine.start();
		DiffusionEngine.inferenceThread();
		manager = NDManager.newBaseManager(Device.cpu());
		vae = AutoencoderKL.fromFolder(fixture("tiny-sd-pipe/vae"), manager);
	}

	@AfterAll
	static void close() {
		manager.close();
	}

	@Test
	void readsEveryConfigKey() {
		assertEquals(0, vae.unusedConfigKeys().size(), vae.unusedConfigKeys().toString());
		assertEquals(0.18215, vae.scalingFactor(), 0);
		assertNull(vae.config().shiftFactor);
		assertEquals(2, vae.downscaleFactor());
	}

	@Test
	void decodeMatchesDiffusers() throws Exception {
		try (SafetensorsReader ref = SafetensorsReader.open(fixture("vae.safetensors"));
			NDManager m = manager.newSubManager())
		{
			NDArray image = vae.decode(ref.array("latents", m));
			assertSame(m, image.getManager());
			System.out.println("AutoencoderKL decode max abs error vs diffusers: " + assertMatches(ref, "decoded",
				image, TOLERANCE));
		}
	}

	@Test
	void encodeMatchesDiffusers() throws Exception {
		try (SafetensorsReader ref = SafetensorsReader.open(fixture("vae.safetensors"));
			NDManager m = manager.newSubManager())
		{
			DiagonalGaussianDistribution d = vae.encode(ref.array("image", m));
			assertSame(m, d.mean().getManager());
			double err = assertMatches(ref, "posterior_mean", d.mean(), TOLERANCE);
			err = Math.max(err, assertMatches(ref, "posterior_logvar", d.logvar(), TOLERANCE));
			System.out.println("AutoencoderKL encode max abs error vs diffusers: " + err);
			NDArray zero = m.zeros(d.mean().getShape());
			assertArrayEquals(d.mean().toFloatArray(), d.sample(zero).toFloatArray(), 0f);
			NDArray one = m.ones(d.mean().getShape());
			assertArrayEquals(d.mean().add(d.logvar().mul(0.5).exp()).toFloatArray(), d.sample(one).toFloatArray(),
				1e-6f);
		}
	}

	/** Stable Diffusion's VAE config gives its well-known 83,653,863 parameters. */
	@Test
	void buildsStableDiffusionLayout() {
		AutoencoderKL sd = new AutoencoderKL(ConfigJson.parse("{\"block_out_channels\":[128,256,512,512]," +
			"\"layers_per_block\":2,\"down_block_types\":[\"DownEncoderBlock2D\",\"DownEncoderBlock2D\"," +
			"\"DownEncoderBlock2D\",\"DownEncoderBlock2D\"],\"up_block_types\":[\"UpDecoderBlock2D\"," +
			"\"UpDecoderBlock2D\",\"UpDecoderBlock2D\",\"UpDecoderBlock2D\"]}", "SD VAE config"));
		assertEquals(83_653_863L, sd.parameterCount());
		assertEquals(8, sd.downscaleFactor());
	}

	@Test
	void configChoicesChangeTheNetwork() {
		String base = "\"block_out_channels\":[32,64],\"down_block_types\":[\"DownEncoderBlock2D\"," +
			"\"DownEncoderBlock2D\"],\"up_block_types\":[\"UpDecoderBlock2D\",\"UpDecoderBlock2D\"]";
		AutoencoderKL plain = new AutoencoderKL(ConfigJson.parse("{" + base + ",\"use_quant_conv\":false," +
			"\"use_post_quant_conv\":false,\"mid_block_add_attention\":false,\"shift_factor\":0.0609}", "config.json"));
		assertFalse(plain.parameters().containsKey("quant_conv.weight"));
		assertFalse(plain.parameters().containsKey("post_quant_conv.weight"));
		assertFalse(plain.parameters().containsKey("decoder.mid_block.attentions.0.to_q.weight"));
		assertEquals(vae.parameterCount() - 2 * 4 * (64 * 64 + 64) - (8 * 8 + 8) - (4 * 4 + 4) - 2 * 2 * 64, plain
			.parameterCount());
		assertEquals(0.0609, plain.config().shiftFactor, 0);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AutoencoderKL(ConfigJson
			.parse("{\"down_block_types\":[\"AttnDownEncoderBlock2D\"]}", "config.json")));
		assertTrue(e.getMessage().contains("down_block_types = AttnDownEncoderBlock2D"), e.getMessage());
		AutoencoderKL extra = new AutoencoderKL(ConfigJson.parse("{" + base + ",\"norm_type\":\"spatial\"}",
			"config.json"));
		assertEquals(java.util.Collections.singletonList("norm_type"), extra.unusedConfigKeys());
		try (NDManager m = manager.newSubManager()) {
			e = assertThrows(IllegalArgumentException.class, () -> vae.encode(m.zeros(new Shape(1, 3, 9, 8))));
			assertTrue(e.getMessage().contains("divisible by 2"), e.getMessage());
		}
	}
}
