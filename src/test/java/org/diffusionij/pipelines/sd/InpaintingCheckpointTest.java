package org.diffusionij.pipelines.sd;

import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.io.safetensors.SafetensorsReader;
import org.diffusionij.io.safetensors.SafetensorsWriter;
import org.diffusionij.pipelines.Progress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Inpainting with a 9-channel checkpoint (UNet input: latents, mask, masked-image latents), built from the tiny
 * fixture as inpainting checkpoints are made from base models: conv_in widened by five input channels. With
 * those channels' weights zero the network is the base network, and since an inpainting checkpoint's pipeline
 * does not blend latents (diffusers blends only for 4-channel UNets) and starts from the same noise, the result
 * must be the base model's text-to-image result; with non-zero weights the mask must change the result.
 */
class InpaintingCheckpointTest {

	static NDManager manager;
	static final List<Path> folders = new ArrayList<>();

	@BeforeAll
	static void start() {
		DiffusionEngine.start();
		manager = NDManager.newBaseManager(Device.cpu());
	}

	@AfterAll
	static void stop() throws IOException {
		manager.close();
		for (Path folder : folders) {
			try (Stream<Path> files = Files.walk(folder)) {
				files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
			}
		}
	}

	/** The tiny fixture with a 9-channel conv_in whose extra input channels have {@code extraScale} × random weights. */
	static Path inpaintingFolder(double extraScale) throws Exception {
		Path base = fixture("tiny-sd-pipe");
		Path dir = Files.createTempDirectory("tiny-sd-inpaint");
		try (Stream<Path> files = Files.walk(base)) {
			for (Path p : (Iterable<Path>) files::iterator) {
				Path target = dir.resolve(base.relativize(p).toString());
				if (Files.isDirectory(p)) Files.createDirectories(target);
				else Files.copy(p, target);
			}
		}
		Path unet = dir.resolve("unet");
		JsonObject config = ConfigJson.load(unet.resolve("config.json")).json();
		config.addProperty("in_channels", 9);
		Files.write(unet.resolve("config.json"), config.toString().getBytes(StandardCharsets.UTF_8));
		Path weights = unet.resolve("diffusion_pytorch_model.safetensors");
		SafetensorsWriter w = new SafetensorsWriter();
		Random random = new Random(7);
		try (SafetensorsReader r = SafetensorsReader.open(weights)) {
			for (Map.Entry<String, org.diffusionij.io.safetensors.TensorInfo> e : r.tensors().entrySet()) {
				float[] v = r.floats(e.getKey());
				long[] shape = e.getValue().shape;
				if (e.getKey().equals("conv_in.weight")) {
					int out = (int) shape[0], k = (int) (shape[2] * shape[3]);
					float[] wide = new float[out * 9 * k];
					for (int o = 0; o < out; o++) {
						for (int c = 0; c < 9; c++) {
							for (int i = 0; i < k; i++) {
								wide[(o * 9 + c) * k + i] = c < 4 ? v[(o * 4 + c) * k + i] :
									(float) (extraScale * random.nextGaussian());
							}
						}
					}
					w.add(e.getKey(), wide, out, 9, shape[2], shape[3]);
				}
				else w.add(e.getKey(), v, shape);
			}
		}
		w.write(weights);
		folders.add(dir);
		return dir;
	}

	/** An RGB start image in [-1, 1] and a mask (1 = regenerate) of the given rows. */
	static GenerationRequest request(NDArray latents, int maskFrom, int maskTo, NDManager m) {
		GenerationRequest r = TinyFixtureRequest.of(latents);
		r.generator = Generator.manualSeed(42);
		float[] image = new float[3 * 64 * 64], mask = new float[64 * 64];
		for (int i = 0; i < image.length; i++) image[i] = (float) Math.sin(i * 0.01);
		for (int y = maskFrom; y < maskTo; y++) for (int x = 0; x < 64; x++) mask[y * 64 + x] = 1;
		r.initImage = m.create(image, new Shape(1, 3, 64, 64));
		r.mask = m.create(mask, new Shape(1, 1, 64, 64));
		return r;
	}

	private static NDArray latents(SafetensorsReader ref, NDManager m) {
		try {
			return ref.array("initial_latents", m);
		}
		catch (IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
	}

	@Test
	void zeroMaskWeightsGiveTheBaseModelsImageBecauseNothingIsBlended() throws Exception {
		try (NDManager m = manager.newSubManager();
			StableDiffusionModel model = StableDiffusionModel.load(inpaintingFolder(0), m);
			SafetensorsReader ref = SafetensorsReader.open(fixture(
				"ref/sd_pipeline_pndm.safetensors")))
		{
			assertEquals(9, model.unet.config().inChannels);
			NDArray image = new StableDiffusionPipeline(model).generate(request(latents(ref, m), 16, 48, m), Progress.NONE,
				m);
			float[] got = StableDiffusionPipelineTest.nhwc(image), want = ref.floats("image");
			double max = 0;
			for (int i = 0; i < got.length; i++) max = Math.max(max, Math.abs(got[i] - want[i]));
			assertTrue(max <= 1e-3, "9-channel inpainting with a zero mask branch vs text-to-image: " + max);
		}
	}

	@Test
	void theMaskAndTheMaskedImageReachTheNetwork() throws Exception {
		try (NDManager m = manager.newSubManager();
			StableDiffusionModel model = StableDiffusionModel.load(inpaintingFolder(0.05), m);
			SafetensorsReader ref = SafetensorsReader.open(fixture(
				"ref/sd_pipeline_pndm.safetensors")))
		{
			StableDiffusionPipeline p = new StableDiffusionPipeline(model);
			java.util.function.IntFunction<float[]> maskFrom = row -> p.generate(request(latents(ref, m), row, row + 32,
				m), Progress.NONE, m).toFloatArray();
			float[] top = maskFrom.apply(0), bottom = maskFrom.apply(32), again = maskFrom.apply(0);
			double differ = 0, repeat = 0;
			for (int i = 0; i < top.length; i++) {
				differ = Math.max(differ, Math.abs(top[i] - bottom[i]));
				repeat = Math.max(repeat, Math.abs(top[i] - again[i]));
			}
			assertTrue(differ > 1e-2, "another mask gives another image: " + differ);
			assertEquals(0, repeat, 1e-6, "the same request gives the same image");
		}
	}
}
