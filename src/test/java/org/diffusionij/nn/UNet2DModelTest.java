package org.diffusionij.nn;

import static org.diffusionij.Fixtures.assertClose;
import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Collections;
import java.util.Map;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.io.safetensors.SafetensorsReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** UNet2DModel against the outputs diffusers computed for the tiny DDPM UNet (ref/unet2d_forward). */
class UNet2DModelTest {

	private static final double TOLERANCE = 1e-4;

	private static NDManager manager;
	private static UNet2DModel model;

	@BeforeAll
	static void load() throws Exception {
		DiffusionEngine.start();
		manager = NDManager.newBaseManager(Device.cpu());
		model = UNet2DModel.fromFolder(fixture("tiny-ddpm/unet"), manager);
	}

	@AfterAll
	static void close() {
		manager.close();
	}

	@Test
	void readsEveryConfigKey() {
		assertEquals(0, model.unusedConfigKeys().size(), model.unusedConfigKeys().toString());
		assertEquals(1, model.config().inChannels);
	}

	@Test
	void matchesDiffusersForward() throws Exception {
		DiffusionEngine.inferenceThread();
		try (SafetensorsReader ref = SafetensorsReader.open(fixture("unet2d_forward.safetensors"));
			NDManager m = manager.newSubManager())
		{
			NDArray sample = ref.array("sample", m);
			NDArray out = model.forward(sample, m.create(0L));
			assertSame(m, out.getManager(), "the result belongs to the caller's manager");
			assertMatches(ref, "out_t0", out);
			assertMatches(ref, "out_t10", model.forward(sample, m.create(10L)));
			assertMatches(ref, "out_t999", model.forward(sample, m.create(999L)));
			assertMatches(ref, "out_tvec", model.forward(sample, ref.array("timesteps_vec", m)));
			assertMatches(ref, "out_t10", model.forward(sample, m.create(new float[] { 10f })));
		}
	}

	private static void assertMatches(SafetensorsReader ref, String name, NDArray actual) throws Exception {
		assertClose(ref.floats(name), actual.toFloatArray(), TOLERANCE, name);
	}

	@Test
	void refusesWeightsOfAnotherShape() throws Exception {
		try (NDManager m = manager.newSubManager()) {
			Map<String, NDArray> w = Weights.read(fixture("tiny-ddpm/unet/" + UNet2DModel.WEIGHTS_NAME), m);
			w.remove("conv_out.bias");
			w.put("conv_in.weight", m.zeros(new Shape(32, 3, 3, 3)));
			w.put("extra.weight", m.zeros(new Shape(1)));
			UNet2DModel fresh = new UNet2DModel(ConfigJson.load(fixture(
				"tiny-ddpm/unet/config.json")));
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fresh.load(w));
			assertTrue(e.getMessage().contains("Missing keys (1): [conv_out.bias]"), e.getMessage());
			assertTrue(e.getMessage().contains("Unexpected keys (1): [extra.weight]"), e.getMessage());
			assertTrue(e.getMessage().contains("conv_in.weight is (32, 3, 3, 3)"), e.getMessage());
		}
	}

	@Test
	void gradientsReachEveryParameter() {
		DiffusionEngine.trainingThread();
		try (NDManager m = manager.newSubManager()) {
			UNet2DModel net = new UNet2DModel(ConfigJson.parse(
				"{\"block_out_channels\":[32,64],\"down_block_types\":[\"DownBlock2D\",\"AttnDownBlock2D\"]," +
					"\"up_block_types\":[\"AttnUpBlock2D\",\"UpBlock2D\"],\"in_channels\":1,\"out_channels\":1," +
					"\"layers_per_block\":1,\"sample_size\":16}", "test config"));
			net.initialize(m, Generator.manualSeed(7));
			net.parameterStore().setRequiresGradient(true);
			Generator.manualSeed(3);
			NDArray x = m.randomNormal(new Shape(2, 1, 16, 16));
			try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
				NDArray out = net.forward(x, m.create(new long[] { 5, 700 }));
				gc.backward(out.square().mean());
			}
			double total = 0;
			for (Map.Entry<String, NDArray> e : net.parameters().entrySet()) {
				NDArray g = e.getValue().getGradient();
				assertNotNull(g, e.getKey());
				float[] values = g.toFloatArray();
				for (float v : values) {
					assertTrue(Float.isFinite(v), e.getKey());
					total += Math.abs(v);
				}
			}
			assertTrue(total > 0);
		}
		finally {
			DiffusionEngine.inferenceThread();
		}
	}

	@Test
	void refusesUnsupportedConfigByKey() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new UNet2DModel(
			ConfigJson.parse("{\"time_embedding_type\":\"fourier\"}", "config.json")));
		assertTrue(e.getMessage().contains("time_embedding_type = fourier"), e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> new UNet2DModel(ConfigJson
			.parse("{\"class_embed_type\":\"timestep\"}", "config.json")));
		assertTrue(e.getMessage().contains("class_embed_type"), e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> new UNet2DModel(ConfigJson
			.parse("{\"downsample_type\":\"resnet\"}", "config.json")));
		assertTrue(e.getMessage().contains("downsample_type"), e.getMessage());
		UNet2DModel withExtra = new UNet2DModel(ConfigJson.parse(
			"{\"block_out_channels\":[32,64],\"down_block_types\":[\"DownBlock2D\",\"DownBlock2D\"]," +
				"\"up_block_types\":[\"UpBlock2D\",\"UpBlock2D\"],\"resnet_pre_norm\":true}", "config.json"));
		assertEquals(Collections.singletonList("resnet_pre_norm"), withExtra.unusedConfigKeys());
	}
}
