package org.diffusionij.io;

import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.io.safetensors.SafetensorsReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saving: the fixture model loaded and saved again is the same folder, file for file and byte for byte, and a
 * save that fails midway leaves the previous folder as it was and nothing else behind.
 */
class ModelFolderWriterTest {

	@TempDir
	Path dir;

	private NDManager manager;

	@BeforeEach
	void start() {
		DiffusionEngine.start();
		manager = NDManager.newBaseManager(Device.cpu());
	}

	@AfterEach
	void close() {
		manager.close();
	}

	private static ModelFolderWriter writerFor(DiffusersFolder f, Map<String, NDArray> unetWeights)
		throws IOException
	{
		return new ModelFolderWriter(f.pipelineClass()).model("unet", f.component("unet").config(), unetWeights)
			.scheduler("scheduler", f.component("scheduler").config());
	}

	@Test
	void roundTripOfTheFixtureModelIsByteIdentical() throws Exception {
		Path fixture = fixture("tiny-ddpm");
		DiffusersFolder original = DiffusersFolder.open(fixture);
		Map<String, NDArray> weights = original.component("unet").loadWeights(manager);
		Path saved = dir.resolve("saved");
		writerFor(original, weights).save(saved);

		assertEquals(files(fixture), files(saved));
		for (String f : files(fixture)) {
			assertArrayEquals(Files.readAllBytes(fixture.resolve(f)), Files.readAllBytes(saved.resolve(f)), f);
		}
		DiffusersFolder reloaded = DiffusersFolder.open(saved);
		assertEquals("UNet2DModel", reloaded.component("unet").className());
		assertEquals(original.component("unet").config().json().keySet(), reloaded.component("unet").config().json()
			.keySet());
		Map<String, NDArray> again = reloaded.component("unet").loadWeights(manager);
		assertEquals(weights.keySet(), again.keySet());
		for (Map.Entry<String, NDArray> e : weights.entrySet()) {
			NDArray b = again.get(e.getKey());
			assertEquals(e.getValue().getShape(), b.getShape(), e.getKey());
			assertArrayEquals(e.getValue().toByteArray(), b.toByteArray(), e.getKey());
		}
	}

	@Test
	void aFailedSaveLeavesThePreviousFolderAndNoTemporaryFolder() throws Exception {
		DiffusersFolder original = DiffusersFolder.open(fixture("tiny-ddpm"));
		Map<String, NDArray> weights = original.component("unet").loadWeights(manager);
		Path target = dir.resolve("model");
		writerFor(original, weights).save(target);
		Map<String, byte[]> before = contents(target);

		Map<String, NDArray> broken = new LinkedHashMap<>(weights);
		NDArray closed = manager.zeros(new Shape(4));
		closed.close();
		broken.put("zz.released", closed);
		assertThrows(RuntimeException.class, () -> writerFor(original, broken).save(target));
		assertUnchanged(before, target);

		ModelFolderWriter missingSource = writerFor(original, weights).copy("tokenizer", "transformers",
			"CLIPTokenizer", dir.resolve("no-such-folder"));
		assertThrows(IOException.class, () -> missingSource.save(target));
		assertUnchanged(before, target);
		assertThrows(IOException.class, () -> missingSource.save(dir.resolve("fresh")));
		assertFalse(Files.exists(dir.resolve("fresh")));
		assertEquals(List.of("model"), children(dir));
	}

	@Test
	void replacingAFolderLeavesOnlyTheNewOne() throws Exception {
		DiffusersFolder original = DiffusersFolder.open(fixture("tiny-ddpm"));
		Path target = dir.resolve("model");
		writerFor(original, original.component("unet").loadWeights(manager)).save(target);
		Files.writeString(target.resolve("unet/stale.txt"), "from the previous save");
		Map<String, NDArray> changed = new LinkedHashMap<>();
		changed.put("conv_in.bias", manager.ones(new Shape(32)));
		writerFor(original, changed).save(target);
		assertFalse(Files.exists(target.resolve("unet/stale.txt")));
		try (SafetensorsReader r = SafetensorsReader.open(target.resolve("unet/diffusion_pytorch_model.safetensors"))) {
			assertEquals(1, r.tensors().size());
			assertEquals(1f, r.floats("conv_in.bias")[31]);
			assertEquals("pt", r.metadata().get("format"));
		}
		assertEquals(List.of("model"), children(dir));
	}

	@Test
	void configsGetDiffusersBookkeepingKeys() throws Exception {
		com.google.gson.JsonObject config = new com.google.gson.JsonObject();
		config.addProperty("_class_name", "DDIMScheduler");
		config.addProperty("_name_or_path", "/home/user/model");
		config.addProperty("beta_start", 0.00085);
		Path target = dir.resolve("m");
		new ModelFolderWriter("DDIMPipeline").scheduler("scheduler", config).save(target);
		assertEquals("{\n  \"_class_name\": \"DDIMScheduler\",\n  \"_diffusers_version\": \"" +
			ModelFolderWriter.DIFFUSERS_VERSION + "\",\n  \"beta_start\": 0.00085\n}\n", Files.readString(target
				.resolve("scheduler/scheduler_config.json")));
		assertArrayEquals(new String[] { "diffusers", "DDIMScheduler" }, DiffusersFolder.open(target)
			.componentClass("scheduler"));
		assertThrows(IllegalArgumentException.class, () -> new ModelFolderWriter("P").scheduler("../x", config));
		assertThrows(IllegalArgumentException.class, () -> new ModelFolderWriter("P").scheduler("s",
			new com.google.gson.JsonObject()));
	}

	private static void assertUnchanged(Map<String, byte[]> before, Path target) throws IOException {
		Map<String, byte[]> after = contents(target);
		assertEquals(before.keySet(), after.keySet());
		for (String f : before.keySet()) assertArrayEquals(before.get(f), after.get(f), f);
		assertEquals(List.of(target.getFileName().toString()), children(target.getParent()));
	}

	/** Relative paths of the regular files under {@code root}, sorted. */
	private static List<String> files(Path root) throws IOException {
		try (Stream<Path> s = Files.walk(root)) {
			return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/')).sorted().collect(Collectors.toList());
		}
	}

	/** Names of the entries directly in {@code dir}, sorted: temporary folders would show here. */
	private static List<String> children(Path dir) throws IOException {
		try (Stream<Path> s = Files.list(dir)) {
			return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
		}
	}

	private static Map<String, byte[]> contents(Path root) throws IOException {
		Map<String, byte[]> out = new LinkedHashMap<>();
		for (String f : files(root)) {
			out.put(f, Files.readAllBytes(root.resolve(f)));
		}
		return out;
	}
}
