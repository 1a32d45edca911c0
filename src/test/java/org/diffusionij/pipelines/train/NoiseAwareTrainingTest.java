package org.diffusionij.pipelines.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.pipelines.CancelledException;
import org.diffusionij.pipelines.DenoiseSettings;
import org.diffusionij.pipelines.NoiseRecord;
import org.diffusionij.pipelines.Normalization;
import org.diffusionij.pipelines.Progress;
import org.diffusionij.pipelines.UnconditionalModel;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.schedulers.Schedulers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on noisy planes (a real stack with Gaussian noise of σ = 0.1 in network units): both objectives
 * resume exactly after a cancel, with the same best checkpoint; the folder records the noise and the estimator,
 * still loads as a DDPMPipeline, and starts from the starting model's estimate.
 */
class NoiseAwareTrainingTest {

	private static final float SIGMA = 0.1f;
	static List<PatchSampler.Plane> noisy;

	@TempDir
	Path tmp;

	@BeforeAll
	static void noisyStack() throws Exception {
		TrainerTest.loadStack();
		Random r = new Random(9);
		noisy = new ArrayList<>();
		for (PatchSampler.Plane p : TrainerTest.planes) {
			float[] d = p.data.clone();
			for (int i = 0; i < d.length; i++) d[i] += (float) (SIGMA * r.nextGaussian());
			noisy.add(new PatchSampler.Plane(p.channels, p.height, p.width, d, SIGMA, null));
		}
	}

	private static TrainingSettings settings(TrainingSettings.Objective objective) {
		TrainingSettings s = TrainerTest.settings(6);
		s.noise = TrainingSettings.Noise.GAUSSIAN;
		s.objective = objective;
		s.validationEvery = 2;
		return s;
	}

	private static Trainer trainer(TrainingSettings s, NDManager m) {
		UNet2DModel unet = new UNet2DModel(new ConfigJson(TrainerTest.tinyConfig(), "preset"));
		unet.initialize(m, Generator.manualSeed(42));
		return new Trainer(unet, Schedulers.fromConfig(new ConfigJson(ModelPresets.ddpmSchedulerConfig(s.prediction),
			"preset")), noisy, s, m);
	}

	@Test
	void sureResumesExactly() throws Exception {
		resumeAfterCancelContinuesTheSameObjective(TrainingSettings.Objective.SURE);
	}

	@Test
	void noisier2noiseResumesExactly() throws Exception {
		resumeAfterCancelContinuesTheSameObjective(TrainingSettings.Objective.NOISIER2NOISE);
	}

	private void resumeAfterCancelContinuesTheSameObjective(TrainingSettings.Objective objective) throws Exception {
		DiffusionEngine.start();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			Trainer straight = trainer(settings(objective), m);
			straight.run(Progress.NONE, TrainingListener.NONE, tr -> {});
			assertEquals(0, straight.history().validations.get(0)[0], "the starting model is estimated first");

			Path folder = tmp.resolve("model");
			Trainer interrupted = trainer(settings(objective), m);
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
			assertThrows(CancelledException.class, () -> interrupted.run(cancelAfterThree, TrainingListener.NONE,
				tr -> TrainingFolder.save(folder, tr, TrainerTest.tinyConfig(), Normalization.percentile(),
					new JsonObject(), 1.0)));
			TrainingFolder.Saved saved = TrainingFolder.load(folder, m);
			assertEquals(objective, saved.settings.objective());
			Trainer resumed = trainer(saved.settings, m);
			resumed.restore(saved.step, saved.weights, saved.ema, saved.optimizer, saved.history);
			resumed.restoreBest(saved.bestStep, saved.bestValue, saved.best);
			resumed.run(Progress.NONE, TrainingListener.NONE, tr -> {});
			for (Map.Entry<String, NDArray> e : straight.weights().entrySet()) {
				assertArrayEquals(e.getValue().toFloatArray(), resumed.weights().get(e.getKey()).toFloatArray(), e.getKey());
				assertArrayEquals(straight.modelWeights().get(e.getKey()).toFloatArray(), resumed.modelWeights().get(e
					.getKey()).toFloatArray(), "best weights of " + e.getKey());
			}
			assertEquals(straight.bestStep(), resumed.bestStep());
			assertEquals(straight.bestValue(), resumed.bestValue(), 0);
			assertEquals(straight.modelEstimator(), resumed.modelEstimator());
		}
	}

	@Test
	void theFolderRecordsTheNoiseAndStillLoadsAsADdpmPipeline() throws Exception {
		DiffusionEngine.start();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			TrainingSettings s = settings(TrainingSettings.Objective.SURE);
			s.noiseSigma = 12.5;
			Trainer t = trainer(s, m);
			Path folder = tmp.resolve("saved");
			t.run(Progress.NONE, TrainingListener.NONE, tr -> TrainingFolder.save(folder, tr, TrainerTest.tinyConfig(),
				Normalization.percentile(), new JsonObject(), 2.0));
			UnconditionalModel model = UnconditionalModel.open(folder);
			NoiseRecord r = model.noise();
			assertEquals(DenoiseSettings.Noise.GAUSSIAN, r.noise);
			assertEquals(12.5, r.sigma, 0);
			assertEquals(NoiseRecord.ONE_STEP, r.objective);
			assertEquals("DDPMPipeline", ConfigJson.load(folder.resolve("model_index.json")).className());
			model.unet(m);
			assertTrue(ConfigJson.load(folder.resolve("README.md").getParent().resolve(NoiseRecord.FILE)).json().has(
				"noise"));
		}
	}
}
