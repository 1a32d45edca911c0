package org.diffusionij.io;

import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.diffusionij.io.safetensors.SafetensorsException;
import org.diffusionij.io.safetensors.SafetensorsReader;
import org.diffusionij.io.safetensors.SafetensorsWriter;
import org.diffusionij.io.safetensors.TensorInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding a diffusers folder's parts, and the messages when a part is missing or only pickled. */
class DiffusersFolderTest {

	@TempDir
	Path dir;

	private Path model;

	@BeforeEach
	void copyFixture() throws Exception {
		model = dir.resolve("tiny-ddpm");
		copyTree(fixture("tiny-ddpm"), model);
	}

	static void copyTree(Path from, Path to) throws IOException {
		try (java.util.stream.Stream<Path> s = Files.walk(from)) {
			for (Path p : (Iterable<Path>) s::iterator) Files.copy(p, to.resolve(from.relativize(p).toString()));
		}
	}

	@Test
	void readsTheIndexAndComponents() throws Exception {
		DiffusersFolder f = DiffusersFolder.open(model);
		assertEquals("DDPMPipeline", f.pipelineClass());
		assertEquals(Arrays.asList("scheduler", "unet"), f.componentNames());
		assertArrayEquals(new String[] { "diffusers", "UNet2DModel" }, f.componentClass("unet"));
		DiffusersComponent unet = f.component("unet");
		assertEquals("UNet2DModel", unet.className());
		assertEquals(Arrays.asList(32, 64), toList(unet.config().getInts("block_out_channels", null)));
		WeightFiles w = unet.weights();
		assertEquals(model.resolve("unet/diffusion_pytorch_model.safetensors"), w.files().get(0));
		assertNull(w.index());
		assertArrayEquals(new long[] { 32, 1, 3, 3 }, w.tensors().get("conv_in.weight").shape);
		DiffusersComponent scheduler = f.component("scheduler");
		assertEquals("DDPMScheduler", scheduler.className());
		assertEquals("scheduler_config.json", scheduler.configFile().getFileName().toString());
	}

	@Test
	void optionalComponentsSavedAsNullAreAbsent() throws Exception {
		Files.writeString(model.resolve("model_index.json"), "{\"_class_name\":\"StableDiffusionPipeline\"," +
			"\"safety_checker\":[null,null],\"requires_safety_checker\":false,\"unet\":[\"diffusers\"," +
			"\"UNet2DConditionModel\"]}");
		DiffusersFolder f = DiffusersFolder.open(model);
		assertEquals(Arrays.asList("unet"), f.componentNames());
		assertEquals(Arrays.asList("safety_checker"), f.index().absentComponents());
		assertFalse(f.has("safety_checker"));
		String m = assertThrows(IOException.class, () -> f.component("vae")).getMessage();
		assertTrue(m.contains("lists no component 'vae' (it lists unet)"), m);
	}

	@Test
	void prefersTheAskedVariantAndFallsBackToFp16() throws Exception {
		Path unet = model.resolve("unet");
		Path fp16 = unet.resolve("diffusion_pytorch_model.fp16.safetensors");
		float[] values = { 0.1f, -2f };
		new SafetensorsWriter().addHalf("w", values, 2).write(fp16);
		assertEquals(unet.resolve("diffusion_pytorch_model.safetensors"), WeightFiles.find(unet, null).files().get(
			0));
		assertEquals(fp16, WeightFiles.find(unet, "fp16").files().get(0));
		assertEquals(fp16, DiffusersFolder.open(model, "fp16").component("unet").weights().files().get(0));
		Files.delete(unet.resolve("diffusion_pytorch_model.safetensors"));
		WeightFiles w = WeightFiles.find(unet, null);
		assertEquals(fp16, w.files().get(0));
		assertEquals(TensorInfo.DType.F16, w.tensors().get("w").dtype);
	}

	@Test
	void findsTransformersNames() throws Exception {
		Path enc = Files.createDirectory(dir.resolve("text_encoder"));
		new SafetensorsWriter().add("text_model.embeddings.position_ids", new long[] { 0, 1 }, 1, 2).write(enc
			.resolve("model.safetensors"));
		assertEquals(enc.resolve("model.safetensors"), WeightFiles.find(enc, null).files().get(0));
	}

	@Test
	void readsShardedWeightsThroughTheIndex() throws Exception {
		Path unet = model.resolve("unet");
		Path single = unet.resolve("diffusion_pytorch_model.safetensors");
		List<String> names = new ArrayList<>();
		StringBuilder map = new StringBuilder("{\"metadata\":{\"total_size\":1},\"weight_map\":{");
		SafetensorsWriter[] shards = { new SafetensorsWriter(), new SafetensorsWriter() };
		try (SafetensorsReader r = SafetensorsReader.open(single)) {
			for (TensorInfo t : r.tensors().values()) {
				int shard = names.size() % 2;
				shards[shard].add(t.name, r.floats(t.name), t.shape);
				map.append(names.isEmpty() ? "" : ",").append('"').append(t.name).append("\":\"diffusion_pytorch_" +
					"model-0000").append(shard + 1).append("-of-00002.safetensors\"");
				names.add(t.name);
			}
		}
		shards[0].write(unet.resolve("diffusion_pytorch_model-00001-of-00002.safetensors"));
		shards[1].write(unet.resolve("diffusion_pytorch_model-00002-of-00002.safetensors"));
		Map<String, TensorInfo> expected = WeightFiles.find(unet, null).tensors();
		Files.delete(single);
		Path index = unet.resolve("diffusion_pytorch_model.safetensors.index.json");
		Files.writeString(index, map.append("}}").toString());
		WeightFiles w = WeightFiles.find(unet, null);
		assertEquals(index, w.index());
		assertEquals(2, w.files().size());
		Map<String, TensorInfo> sharded = w.tensors();
		assertEquals(new java.util.TreeSet<>(names), new java.util.TreeSet<>(sharded.keySet()));
		for (String n : names) assertArrayEquals(expected.get(n).shape, sharded.get(n).shape, n);

		Files.delete(unet.resolve("diffusion_pytorch_model-00002-of-00002.safetensors"));
		String m = assertThrows(IOException.class, () -> WeightFiles.find(unet, null)).getMessage();
		assertTrue(m.contains("Missing weight file") && m.contains("00002-of-00002.safetensors"), m);

		Files.writeString(index, "{\"weight_map\":{\"a\":\"../../secret.safetensors\"}}");
		m = assertThrows(IOException.class, () -> WeightFiles.find(unet, null)).getMessage();
		assertTrue(m.contains("not a .safetensors file in the same folder"), m);
	}

	@Test
	void aShardWithoutItsListedTensorIsRefused() throws Exception {
		Path unet = model.resolve("unet");
		Files.delete(unet.resolve("diffusion_pytorch_model.safetensors"));
		new SafetensorsWriter().add("a", new float[1], 1).write(unet.resolve("s1.safetensors"));
		Files.writeString(unet.resolve("diffusion_pytorch_model.safetensors.index.json"), "{\"weight_map\":" +
			"{\"a\":\"s1.safetensors\",\"b\":\"s1.safetensors\"}}");
		String m = assertThrows(SafetensorsException.class, () -> WeightFiles.find(unet, null).tensors())
			.getMessage();
		assertTrue(m.contains("places 'b' in s1.safetensors, which does not contain it"), m);
	}

	@Test
	void pickleOnlyFoldersAreRefusedByName() throws Exception {
		Path unet = model.resolve("unet");
		Files.delete(unet.resolve("diffusion_pytorch_model.safetensors"));
		Files.write(unet.resolve("diffusion_pytorch_model.bin"), new byte[] { (byte) 0x80, 2 });
		String m = assertThrows(IOException.class, () -> DiffusersFolder.open(model).component("unet").weights())
			.getMessage();
		assertTrue(m.startsWith("diffusion_pytorch_model.bin is a PyTorch pickle checkpoint"), m);
		assertTrue(m.contains("safe_serialization=True"), m);
	}

	@Test
	void missingPartsAreNamed() throws Exception {
		Path unet = model.resolve("unet");
		Files.delete(unet.resolve("diffusion_pytorch_model.safetensors"));
		String m = assertThrows(IOException.class, () -> WeightFiles.find(unet, null)).getMessage();
		assertTrue(m.contains("has no weights: expected diffusion_pytorch_model.safetensors"), m);
		assertTrue(m.contains("download or copy the whole folder again"), m);

		Files.delete(unet.resolve("config.json"));
		m = assertThrows(IOException.class, () -> DiffusersComponent.open(unet).config()).getMessage();
		assertTrue(m.contains("Missing " + unet.resolve("config.json")), m);

		FolderSwap.deleteTree(model.resolve("scheduler"));
		m = assertThrows(IOException.class, () -> DiffusersFolder.open(model).component("scheduler")).getMessage();
		assertTrue(m.contains("Missing folder " + model.resolve("scheduler") + ", which model_index.json lists"), m);

		m = assertThrows(IOException.class, () -> DiffusersFolder.open(unet)).getMessage();
		assertTrue(m.contains("Missing " + unet.resolve("model_index.json")), m);
		Files.write(unet.resolve("config.json"), "{}".getBytes(StandardCharsets.UTF_8));
		m = assertThrows(IOException.class, () -> DiffusersFolder.open(unet)).getMessage();
		assertTrue(m.contains("choose the folder above it"), m);

		assertEquals(model.toAbsolutePath(), DiffusersFolder.open(model.resolve("model_index.json")).dir());
		m = assertThrows(IOException.class, () -> DiffusersFolder.open(unet.resolve("config.json"))).getMessage();
		assertTrue(m.contains("is a file; choose the model folder"), m);
		m = assertThrows(IOException.class, () -> DiffusersFolder.open(dir.resolve("nowhere"))).getMessage();
		assertTrue(m.contains("does not exist"), m);

		Files.writeString(model.resolve("model_index.json"), "{\"unet\":[\"diffusers\",3]}");
		m = assertThrows(IOException.class, () -> DiffusersFolder.open(model)).getMessage();
		assertTrue(m.contains("component 'unet' should name a library and a class"), m);
	}

	private static List<Integer> toList(int[] a) {
		List<Integer> out = new ArrayList<>();
		for (int v : a) out.add(v);
		return out;
	}
}
