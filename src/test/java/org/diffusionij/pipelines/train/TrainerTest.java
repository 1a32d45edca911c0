package org.diffusionij.pipelines.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.pipelines.CancelledException;
import org.diffusionij.pipelines.Normalization;
import org.diffusionij.pipelines.Progress;
import org.diffusionij.schedulers.Schedulers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training on a real image stack (imagingbook's CityscapeSmallStack) with a tiny UNet. */
class TrainerTest {

	static List<PatchSampler.Plane> planes;

	@TempDir
	Path tmp;

	@BeforeAll
	static void loadStack() throws Exception {
		if (planes != null) return;
		Path file = Files.createTempFile("ramses", ".tif");
		try (InputStream in = TrainerTest.class.getResourceAsStream(
			"/imagingbook/sampleimages/GeneralSampleImage-data/CityscapeSmallStack.tif"))
		{
			Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
		}
		ImagePlus imp = IJ.openImage(file.toString());
		Files.delete(file);
		ImageStack stack = imp.getStack();
		planes = new ArrayList<>();
		for (int z = 1; z <= stack.getSize(); z++) {
			float[] px = (float[]) stack.getProcessor(z).convertToFloatProcessor().getPixels();
			float[] d = new float[px.length];
			for (int i = 0; i < px.length; i++) d[i] = px[i] / 127.5f - 1f;
			planes.add(new PatchSampler.Plane(1, imp.getHeight(), imp.getWidth(), d));
		}
		assertTrue(planes.size() >= 5, "a real stack");
	}

	static JsonObject tinyConfig() {
		JsonObject c = ModelPresets.unetConfig("small", 1, 32);
		c.add("block_out_channels", new com.google.gson.Gson().toJsonTree(new int[] { 16, 32 }));
		c.add("down_block_types", new com.google.gson.Gson().toJsonTree(new String[] { "DownBlock2D", "DownBlock2D" }));
		c.add("up_block_types", new com.google.gson.Gson().toJsonTree(new String[] { "UpBlock2D", "UpBlock2D" }));
		c.addProperty("layers_per_block", 1);
		return c;
	}

	static TrainingSettings settings(long steps) {
		TrainingSettings s = new TrainingSettings();
		s.steps = steps;
		s.batch = 4;
		s.patch = 32;
		s.learningRate = 2e-3;
		s.warmupSteps = 5;
		s.validationEvery = 10;
		s.checkpointEvery = 1000;
		s.seed = 3;
		return s;
	}

	static Trainer trainer(TrainingSettings s, NDManager m) {
		UNet2DModel unet = new UNet2DModel(new ConfigJson(tinyConfig(), "preset"));
		unet.initialize(m, Generator.manualSeed(42));
		return new Trainer(unet, Schedulers.fromConfig(new ConfigJson(ModelPresets.ddpmSchedulerConfig(s.prediction),
			"preset")), planes, s, m);
	}

	@Test
	void lossFallsWellBelowItsStart() throws Exception {
		DiffusionEngine.start();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			DiffusionEngine.trainingThread(); // as the Train command's thread runs
			Trainer t = trainer(settings(60), m);
			double start = t.validationLoss();
			t.run(Progress.NONE, TrainingListener.NONE, tr -> {});
			double end = t.history().lastValidation();
			assertTrue(end < 0.6 * start, "validation loss " + start + " -> " + end);
			assertTrue(t.history().recentLoss(10) < 0.6 * t.history().losses.get(0)[1]);
		}
	}

	@Test
	void resumeGivesTheWeightsOfAnUninterruptedRun() throws Exception {
		DiffusionEngine.start();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			TrainingSettings s = settings(6);
			Trainer straight = trainer(s, m);
			straight.run(Progress.NONE, TrainingListener.NONE, tr -> {});

			Path folder = tmp.resolve("model");
			TrainingSettings first = settings(6);
			Trainer interrupted = trainer(first, m);
			int[] calls = { 0 };
			Progress cancelAfterThree = new Progress() {
				public void status(String message) {}

				public void step(long done, long total) {
					calls[0]++;
				}

				public boolean isCancelled() {
					return calls[0] >= 3;
				}
			};
			JsonObject data = new JsonObject();
			data.addProperty("source", "CityscapeSmallStack");
			assertThrows(CancelledException.class, () -> interrupted.run(cancelAfterThree, TrainingListener.NONE,
				tr -> TrainingFolder.save(folder, tr, tinyConfig(), Normalization.percentile(), data, 1.0)));
			assertEquals(3, interrupted.step());
			assertTrue(TrainingFolder.hasState(folder), "cancel leaves a checkpoint");

			TrainingFolder.Saved saved = TrainingFolder.load(folder, m);
			assertEquals(3, saved.step);
			Trainer resumed = trainer(saved.settings, m);
			resumed.restore(saved.step, saved.weights, saved.ema, saved.optimizer, saved.history);
			resumed.run(Progress.NONE, TrainingListener.NONE, tr -> {});
			assertEquals(6, resumed.step());
			for (Map.Entry<String, NDArray> e : straight.weights().entrySet()) {
				assertArrayEquals(e.getValue().toFloatArray(), resumed.weights().get(e.getKey()).toFloatArray(),
					"weights of " + e.getKey());
				assertArrayEquals(straight.emaWeights().get(e.getKey()).toFloatArray(),
					resumed.emaWeights().get(e.getKey()).toFloatArray(), "EMA of " + e.getKey());
			}
			assertEquals(straight.history().lastLoss(), resumed.history().lastLoss(), 0);
		}
	}

	@Test
	void savedFolderReloadsWithIdenticalOutputs() throws Exception {
		DiffusionEngine.start();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			Trainer t = trainer(settings(3), m);
			Path folder = tmp.resolve("saved");
			t.run(Progress.NONE, TrainingListener.NONE, tr -> TrainingFolder.save(folder, tr, tinyConfig(),
				Normalization.percentile(), new JsonObject(), 2.0));
			for (String f : Arrays.asList("model_index.json", "unet/config.json",
				"unet/diffusion_pytorch_model.safetensors", "scheduler/scheduler_config.json", "README.md"))
			{
				assertTrue(Files.isRegularFile(folder.resolve(f)), f);
			}
			UNet2DModel reloaded = UNet2DModel.fromFolder(folder.resolve("unet"), m);
			NDArray x = m.randomNormal(new Shape(2, 1, 32, 32));
			NDArray tt = m.create(new float[] { 10, 500 });
			t.model().load(t.emaWeights());
			float[] a = t.model().forward(x, tt).toFloatArray();
			float[] b = reloaded.forward(x, tt).toFloatArray();
			assertArrayEquals(a, b);
			assertTrue(reloaded.unusedConfigKeys().isEmpty(), reloaded.unusedConfigKeys().toString());
		}
	}
}
