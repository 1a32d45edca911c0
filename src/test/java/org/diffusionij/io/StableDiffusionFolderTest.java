package org.diffusionij.io;

import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.diffusionij.io.safetensors.SafetensorsReader;
import org.diffusionij.io.safetensors.SafetensorsWriter;
import org.diffusionij.io.safetensors.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Stable Diffusion layout of the fixture (diffusers and transformers components, optional components saved
 * as null): found as diffusers lists it, and its transformers files rewritten byte for byte.
 */
class StableDiffusionFolderTest {

	@TempDir
	Path dir;

	@Test
	void listsDiffusersAndTransformersComponents() throws Exception {
		DiffusersFolder f = DiffusersFolder.open(fixture("tiny-sd-pipe"));
		assertEquals("StableDiffusionPipeline", f.pipelineClass());
		assertEquals(Arrays.asList("scheduler", "text_encoder", "tokenizer", "unet", "vae"), f.componentNames());
		assertEquals(Arrays.asList("feature_extractor", "image_encoder", "safety_checker"), f.index()
			.absentComponents());
		assertFalse(f.index().json().get("requires_safety_checker").getAsBoolean());
		assertArrayEquals(new String[] { "transformers", "CLIPTextModel" }, f.componentClass("text_encoder"));
		assertEquals("PNDMScheduler", f.component("scheduler").className());
		assertEquals("UNet2DConditionModel", f.component("unet").className());
		assertEquals("AutoencoderKL", f.component("vae").className());

		DiffusersComponent enc = f.component("text_encoder");
		assertNull(enc.className(), "transformers configs have no _class_name");
		assertEquals(Arrays.asList(32, 5), Arrays.asList(enc.config().getInt("hidden_size", 0), enc.config().getInt(
			"num_hidden_layers", 0)));
		WeightFiles w = enc.weights();
		assertEquals("model.safetensors", w.files().get(0).getFileName().toString());
		assertArrayEquals(new long[] { 1000, 32 }, w.tensors().get("text_model.embeddings.token_embedding.weight")
			.shape);
		assertEquals("tokenizer_config.json", f.component("tokenizer").configFile().getFileName().toString());
	}

	@Test
	void rewritesTransformersFilesIdentically() throws Exception {
		Path root = fixture("tiny-sd-pipe");
		for (String name : new String[] { "model_index.json", "text_encoder/config.json", "unet/config.json",
			"vae/config.json", "scheduler/scheduler_config.json" })
		{
			Path copy = dir.resolve(name.replace('/', '_'));
			ConfigJson.write(ConfigJson.load(root.resolve(name)).json(), copy);
			assertEquals(Files.readString(root.resolve(name)), Files.readString(copy), name);
		}
		Path original = root.resolve("text_encoder/model.safetensors");
		Path copy = dir.resolve("model.safetensors");
		SafetensorsWriter w = new SafetensorsWriter();
		try (SafetensorsReader r = SafetensorsReader.open(original)) {
			w.metadata(r.metadata());
			for (TensorInfo t : r.tensors().values()) {
				if (t.dtype == TensorInfo.DType.I64) w.add(t.name, r.longs(t.name), t.shape);
				else w.add(t.name, r.floats(t.name), t.shape);
			}
		}
		w.write(copy);
		assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(copy));
	}
}
