package org.diffusionij.nn;

import static org.diffusionij.Fixtures.assertClose;
import static org.diffusionij.Fixtures.assertMatches;
import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.io.safetensors.SafetensorsReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** UNet2DConditionModel against the outputs diffusers computed for the tiny SD UNet (ref/unet_cond_forward). */
class UNet2DConditionModelTest {

	private static final double TOLERANCE = 1e-4;
	private static final String UNET = "tiny-sd-pipe/unet";

	private static NDManager manager;
	private static UNet2DConditionModel model;

	@BeforeAll
	static void load() throws Exception {
		DiffusionEngine.start();
		DiffusionEngine.inferenceThread();
		manager = NDManager.newBaseManager(Device.cpu());
		model = UNet2DConditionModel.fromFolder(fixture(UNET), manager);
	}

	@AfterAll
	static void close() {
		manager.close();
	}

	@Test
	void readsEveryConfigKey() {
		assertEquals(0, model.unusedConfigKeys().size(), model.unusedConfigKeys().toString());
		assertArrayEquals(new int[] { 8, 8 }, model.config().attentionHeads);
	}

	@Test
	void matchesDiffusersForward() throws Exception {
		try (SafetensorsReader ref = SafetensorsReader.open(fixture("unet_cond_forward.safetensors"));
			NDManager m = manager.newSubManager())
		{
			NDArray sample = ref.array("sample", m);
			NDArray text = ref.array("encoder_hidden_states", m);
			NDArray out = model.forward(sample, m.create(1L), text);
			assertSame(m, out.getManager(), "the result belongs to the caller's manager");
			double worst = assertMatches(ref, "out_t1", out, TOLERANCE);
			worst = Math.max(worst, assertMatches(ref, "out_t500", model.forward(sample, m.create(500L), text),
				TOLERANCE));
			worst = Math.max(worst, assertMatches(ref, "out_t999", model.forward(sample, m.create(new float[] {
				999f }), text), TOLERANCE));
			worst = Math.max(worst, assertMatches(ref, "out_tvec", model.forward(sample, ref.array("timesteps_vec",
				m), text), TOLERANCE));
			System.out.println("UNet2DConditionModel max abs error vs diffusers: " + worst);
		}
	}

	/**
	 * SD 2's {@code use_linear_projection} replaces the 1×1 convolutions around each transformer by linear layers
	 * on the tokens: with the same weights (reshaped) both must compute the same function.
	 */
	@Test
	void linearProjectionEqualsConvolution() throws Exception {
		String text = new String(java.nio.file.Files.readAllBytes(fixture(UNET + "/config.json")),
			java.nio.charset.StandardCharsets.UTF_8).replace("\"use_linear_projection\": false",
				"\"use_linear_projection\": true");
		UNet2DConditionModel linear = new UNet2DConditionModel(ConfigJson.parse(text, "linear config"));
		try (SafetensorsReader ref = SafetensorsReader.open(fixture("unet_cond_forward.safetensors"));
			NDManager m = manager.newSubManager())
		{
			Map<String, NDArray> weights = new LinkedHashMap<>(model.parameters());
			for (Map.Entry<String, NDArray> e : weights.entrySet()) {
				if (e.getKey().matches(".*proj_(in|out)\\.weight")) {
					NDArray w = e.getValue();
					e.setValue(w.reshape(w.getShape().get(0), w.getShape().get(1)));
				}
			}
			linear.load(weights);
			NDArray sample = ref.array("sample", m);
			NDArray context = ref.array("encoder_hidden_states", m);
			NDArray steps = m.create(new long[] { 10, 981 });
			assertClose(model.forward(sample, steps, context).toFloatArray(), linear.forward(sample, steps, context)
				.toFloatArray(), 1e-5, "linear vs conv projection");
		}
	}

	/** Stable Diffusion 1.5's UNet config gives its well-known 859,520,964 parameters. */
	@Test
	void buildsStableDiffusion15Layout() {
		UNet2DConditionModel sd = new UNet2DConditionModel(ConfigJson.parse(
			"{\"cross_attention_dim\":768,\"attention_head_dim\":8,\"sample_size\":64}", "SD 1.5 config"));
		assertEquals(859_520_964L, sd.parameterCount());
		assertTrue(sd.parameterStore().shapes().containsKey(
			"up_blocks.3.attentions.2.transformer_blocks.0.ff.net.0.proj.weight"));
	}

	/**
	 * Stable Diffusion 2's UNet config (heads per block as a list, linear projections, upcast attention) gives its
	 * known 865,910,724 parameters, with 64 channels per head at every level.
	 */
	@Test
	void buildsStableDiffusion2Layout() {
		UNet2DConditionModel sd = new UNet2DConditionModel(ConfigJson.parse("{\"cross_attention_dim\":1024," +
			"\"attention_head_dim\":[5,10,20,20],\"use_linear_projection\":true,\"upcast_attention\":true," +
			"\"sample_size\":96}", "SD 2 config"));
		assertEquals(865_910_724L, sd.parameterCount());
		assertEquals(new ai.djl.ndarray.types.Shape(320, 320), sd.parameterStore().shapes().get(
			"down_blocks.0.attentions.0.proj_in.weight"));
		assertEquals(new ai.djl.ndarray.types.Shape(1280, 1024), sd.parameterStore().shapes().get(
			"mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight"));
		assertEquals(0, sd.unusedConfigKeys().size(), sd.unusedConfigKeys().toString());
	}

	@Test
	void refusesUnsupportedConfigByKey() {
		String[][] cases = { { "\"class_embed_type\":\"timestep\"", "class_embed_type" },
			{ "\"num_attention_heads\":8", "num_attention_heads" },
			{ "\"only_cross_attention\":[false,true,false,false]", "only_cross_attention" },
			{ "\"addition_embed_type\":\"text_time\"", "addition_embed_type" },
			{ "\"mid_block_type\":\"UNetMidBlock2DSimpleCrossAttn\"", "mid_block_type" },
			{ "\"attention_head_dim\":[5,10,20]", "attention_head_dim has 3 entries" } };
		for (String[] c : cases) {
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> new UNet2DConditionModel(ConfigJson.parse("{" + c[0] + "}", "config.json")), c[0]);
			assertTrue(e.getMessage().contains(c[1]), e.getMessage());
		}
		UNet2DConditionModel extra = new UNet2DConditionModel(ConfigJson.parse(
			"{\"block_out_channels\":[32,64],\"down_block_types\":[\"DownBlock2D\",\"CrossAttnDownBlock2D\"]," +
				"\"up_block_types\":[\"CrossAttnUpBlock2D\",\"UpBlock2D\"],\"cross_attention_dim\":32," +
				"\"attention_head_dim\":[2,4],\"use_linear_projection\":true,\"resnet_pre_norm\":true}",
			"config.json"));
		assertEquals(java.util.Collections.singletonList("resnet_pre_norm"), extra.unusedConfigKeys());
	}

	/** Odd latent sizes (images not a multiple of 16 px here) come back at their size, as in diffusers. */
	@Test
	void keepsOddLatentSizes() {
		try (NDManager m = manager.newSubManager()) {
			ai.djl.ndarray.types.Shape shape = new ai.djl.ndarray.types.Shape(1, 4, 9, 13);
			NDArray out = model.forward(m.randomNormal(shape), m.create(500L), m.randomNormal(
				new ai.djl.ndarray.types.Shape(1, 77, 32)));
			assertEquals(shape, out.getShape());
			for (float v : out.toFloatArray()) assertTrue(Float.isFinite(v));
		}
	}

	@Test
	void refusesMismatchedInputs() {
		try (NDManager m = manager.newSubManager()) {
			NDArray text = m.zeros(new ai.djl.ndarray.types.Shape(1, 77, 32));
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.forward(m.zeros(
				new ai.djl.ndarray.types.Shape(2, 4, 8, 8)), m.create(1L), text));
			assertTrue(e.getMessage().contains("encoder_hidden_states"), e.getMessage());
		}
	}
}
