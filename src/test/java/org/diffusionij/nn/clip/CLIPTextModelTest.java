package org.diffusionij.nn.clip;

import static org.diffusionij.Fixtures.assertClose;
import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.io.clip.ClipTokenizer;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.io.safetensors.SafetensorsReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CLIPTextModel against transformers' outputs for the tiny fixture pipeline's text encoder. */
class CLIPTextModelTest {

	static NDManager manager;

	@BeforeAll
	static void start() {
		DiffusionEngine.start();
		manager = NDManager.newBaseManager(Device.cpu());
	}

	@AfterAll
	static void stop() {
		manager.close();
	}

	@Test
	void tinyTextEncoderMatchesTransformers() throws Exception {
		try (SafetensorsReader ref = SafetensorsReader.open(fixture("text_encoder.safetensors"));
			CLIPTextModel model = CLIPTextModel.load(fixture("tiny-sd-pipe/text_encoder"), manager);
			NDManager m = manager.newSubManager())
		{
			assertTrue(model.config().unusedKeys().isEmpty(), model.config().unusedKeys().toString());
			NDArray ids = ref.array("input_ids", m);
			NDArray last = model.forward(ids);
			assertEquals(new Shape(2, 77, 32), last.getShape());
			assertClose(ref.floats("last_hidden_state"), last.toFloatArray(), 1e-5, "last_hidden_state");
			assertClose(ref.floats("pooler_output"), model.pooledOutput(last, ids).toFloatArray(), 1e-5,
				"pooler_output");
		}
	}

	/** float16 weights and arithmetic (the GPU setting) stay within half precision of transformers' float32. */
	@Test
	void float16StaysCloseToFloat32Reference() throws Exception {
		try (SafetensorsReader ref = SafetensorsReader.open(fixture("text_encoder.safetensors"));
			CLIPTextModel model = CLIPTextModel.load(fixture("tiny-sd-pipe/text_encoder"), manager, DataType.FLOAT16);
			NDManager m = manager.newSubManager())
		{
			NDArray last = model.forward(ref.array("input_ids", m));
			assertEquals(DataType.FLOAT16, last.getDataType());
			assertClose(ref.floats("last_hidden_state"), last.toType(DataType.FLOAT32, false).toFloatArray(), 1e-2,
				"float16 last_hidden_state");
		}
	}

	/** The tokenizer and the text encoder together give the reference from the prompt alone. */
	@Test
	void promptToHiddenStateMatchesTransformers() throws Exception {
		try (SafetensorsReader ref = SafetensorsReader.open(fixture("text_encoder.safetensors"));
			ClipTokenizer tokenizer = ClipTokenizer.load(fixture("tiny-sd-pipe/tokenizer"));
			CLIPTextModel model = CLIPTextModel.load(fixture("tiny-sd-pipe/text_encoder"), manager);
			NDManager m = manager.newSubManager())
		{
			long[] a = tokenizer.inputIds("A painting of a squirrel eating a burger");
			long[] b = tokenizer.inputIds("");
			long[] both = new long[154];
			System.arraycopy(a, 0, both, 0, 77);
			System.arraycopy(b, 0, both, 77, 77);
			NDArray last = model.forward(m.create(both, new Shape(2, 77)));
			assertClose(ref.floats("last_hidden_state"), last.toFloatArray(), 1e-5, "last_hidden_state");
		}
	}

	/**
	 * Configs with transformers' legacy {@code eos_token_id} 2 (Stable Diffusion's) pool at the largest id, which
	 * is the EOS here too: the same pooled output.
	 */
	@Test
	void legacyEosTokenIdPoolsAtLargestId(@TempDir Path dir) throws Exception {
		Path source = fixture("tiny-sd-pipe/text_encoder");
		String config = new String(Files.readAllBytes(source.resolve("config.json")), StandardCharsets.UTF_8);
		write(dir.resolve("config.json"), config.replace("\"eos_token_id\": 999", "\"eos_token_id\": 2"));
		Files.copy(source.resolve("model.safetensors"), dir.resolve("model.safetensors"));
		try (SafetensorsReader ref = SafetensorsReader.open(fixture("text_encoder.safetensors"));
			CLIPTextModel model = CLIPTextModel.load(dir, manager); NDManager m = manager.newSubManager())
		{
			assertEquals(2, model.config().eosTokenId);
			NDArray ids = ref.array("input_ids", m);
			NDArray pooled = model.pooledOutput(model.forward(ids), ids);
			assertClose(ref.floats("pooler_output"), pooled.toFloatArray(), 1e-5, "pooler_output");
		}
	}

	/** Hub folders may hold only the {@code model.fp16.safetensors} variant; ids beyond the vocabulary are refused. */
	@Test
	void fp16VariantIsFoundAndForeignIdsRefused(@TempDir Path dir) throws Exception {
		Path source = fixture("tiny-sd-pipe/text_encoder");
		Files.copy(source.resolve("config.json"), dir.resolve("config.json"));
		Files.copy(source.resolve("model.safetensors"), dir.resolve("model.fp16.safetensors"));
		try (CLIPTextModel model = CLIPTextModel.load(dir, manager); NDManager m = manager.newSubManager()) {
			assertEquals(new Shape(1, 2, 32), model.forward(m.create(new long[] { 998, 999 }, new Shape(1, 2)))
				.getShape());
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.forward(m.create(
				new long[] { 998, 49407 }, new Shape(1, 2))));
			assertTrue(e.getMessage().contains("49407"), e.getMessage());
		}
	}

	/** Forward passes leave nothing behind in the model's or the caller's manager but their result. */
	@Test
	void forwardKeepsOnlyItsResult() throws Exception {
		try (CLIPTextModel model = CLIPTextModel.load(fixture("tiny-sd-pipe/text_encoder"), manager);
			NDManager m = manager.newSubManager())
		{
			NDArray ids = m.create(new long[] { 998, 320, 999 }, new Shape(1, 3));
			int before = m.getManagedArrays().size();
			model.forward(ids).close();
			assertEquals(before, m.getManagedArrays().size());
			NDArray out = model.forward(ids);
			assertEquals(new Shape(1, 3, 32), out.getShape());
			assertEquals(before + 1, m.getManagedArrays().size());
		}
	}

	/** Layers come from num_hidden_layers (Stable Diffusion 2 has 23) and gelu is honoured. */
	@Test
	void layerCountAndActivationComeFromConfig(@TempDir Path dir) throws Exception {
		write(dir.resolve("config.json"), config(23, "gelu", ""));
		TinySafetensors.clip(50, 77, 8, 12, 23).write(dir.resolve("model.safetensors"), 1);
		try (CLIPTextModel model = CLIPTextModel.load(dir, manager); NDManager m = manager.newSubManager()) {
			assertEquals(23, model.config().numHiddenLayers);
			NDArray out = model.forward(m.create(new long[] { 48, 3, 49, 49 }, new Shape(2, 2)));
			assertEquals(new Shape(2, 2, 8), out.getShape());
			assertFalse(Float.isNaN(out.sum().getFloat()));
		}
		TinySafetensors.clip(50, 77, 8, 12, 22).write(dir.resolve("model.safetensors"), 1);
		IOException e = assertThrows(IOException.class, () -> CLIPTextModel.load(dir, manager));
		assertTrue(e.getMessage().contains("text_model.encoder.layers.22.self_attn.q_proj.weight"), e.getMessage());
	}

	/** A wrong checkpoint gets one message naming every missing, mis-shaped and unexpected tensor. */
	@Test
	void checkpointMismatchesAreListedTogether(@TempDir Path dir) throws Exception {
		write(dir.resolve("config.json"), config(2, "quick_gelu", ""));
		TinySafetensors.clip(50, 77, 8, 12, 2).remove("text_model.final_layer_norm.bias")
			.put("text_model.encoder.layers.1.mlp.fc1.weight", 13, 8).put("text_projection.weight", 8, 8)
			.put("text_model.embeddings.position_ids", 1, 77).write(dir.resolve("model.safetensors"), 2);
		IOException e = assertThrows(IOException.class, () -> CLIPTextModel.load(dir, manager));
		String msg = e.getMessage();
		assertTrue(msg.contains("Missing (1): text_model.final_layer_norm.bias"), msg);
		assertTrue(msg.contains("text_model.encoder.layers.1.mlp.fc1.weight is [13, 8], the config needs [12, 8]"),
			msg);
		assertTrue(msg.contains("Unexpected (1): text_projection.weight"), msg);
		assertFalse(msg.contains("position_ids"), msg);
	}

	@Test
	void configReportsUnknownKeysAndRefusesUnknownActivations(@TempDir Path dir) throws Exception {
		CLIPTextConfig c = new CLIPTextConfig(ConfigJson.parse(config(2, "quick_gelu", ", \"rope_theta\": 1"),
			"config.json"));
		assertEquals("[rope_theta]", c.unusedKeys().toString());
		IOException e = assertThrows(IOException.class, () -> new CLIPTextConfig(ConfigJson.parse(config(2, "relu",
			""), "config.json")));
		assertTrue(e.getMessage().contains("relu"), e.getMessage());
		write(dir.resolve("config.json"), config(2, "gelu", ""));
		write(dir.resolve("pytorch_model.bin"), "x");
		e = assertThrows(IOException.class, () -> CLIPTextModel.load(dir, manager));
		assertTrue(e.getMessage().contains("pytorch_model.bin") && e.getMessage().contains("safetensors"),
			e.getMessage());
	}

	/** Exact (erf) GELU for hidden_act "gelu" and OpenAI's sigmoid approximation for "quick_gelu". */
	@Test
	void activations() {
		try (NDManager m = manager.newSubManager()) {
			float[] x = { -2f, -0.5f, 1f, 3f };
			float[] gelu = ai.djl.nn.Activation.gelu(m.create(x)).toFloatArray();
			double[] exact = { -0.04550026389635842, -0.15426876936299347, 0.8413447460685429, 2.9959502703500654 };
			float[] quick = CLIPMLP.quickGelu(m.create(x)).toFloatArray();
			for (int i = 0; i < x.length; i++) {
				assertEquals(exact[i], gelu[i], 1e-6);
				assertEquals(x[i] / (1 + Math.exp(-1.702 * x[i])), quick[i], 1e-6);
			}
		}
	}

	private static String config(int layers, String act, String extra) {
		return "{\"architectures\": [\"CLIPTextModel\"], \"attention_dropout\": 0.0, \"bos_token_id\": 0, " +
			"\"dropout\": 0.0, \"eos_token_id\": 2, \"hidden_act\": \"" + act + "\", \"hidden_size\": 8, " +
			"\"initializer_factor\": 1.0, \"initializer_range\": 0.02, \"intermediate_size\": 12, " +
			"\"layer_norm_eps\": 1e-05, \"max_position_embeddings\": 77, \"model_type\": \"clip_text_model\", " +
			"\"num_attention_heads\": 2, \"num_hidden_layers\": " + layers + ", \"pad_token_id\": 1, " +
			"\"projection_dim\": 8, \"torch_dtype\": \"float32\", \"transformers_version\": \"4.25.0.dev0\", " +
			"\"vocab_size\": 50" + extra + "}";
	}

	private static void write(Path file, String text) throws IOException {
		Files.write(file, text.getBytes(StandardCharsets.UTF_8));
	}
}
