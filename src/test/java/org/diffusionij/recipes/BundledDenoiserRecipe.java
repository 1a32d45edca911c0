package org.diffusionij.recipes;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.pipelines.Normalization;
import org.diffusionij.pipelines.NormalizationRange;
import org.diffusionij.pipelines.Progress;
import org.diffusionij.pipelines.train.ModelPresets;
import org.diffusionij.pipelines.train.PatchSampler;
import org.diffusionij.pipelines.train.Trainer;
import org.diffusionij.pipelines.train.TrainingFolder;
import org.diffusionij.pipelines.train.TrainingListener;
import org.diffusionij.pipelines.train.TrainingSettings;
import org.diffusionij.schedulers.Schedulers;

/**
 * The recipe of the bundled denoising model {@code models/denoise-gray}: run it with
 * {@code recipes/train-denoise-gray.sh} (which calls this class with {@code data/train-gray} and the output
 * folder). Each training image is mapped by the same percentile normalisation that Denoise Image applies
 * (1 / 99.8 %, then to [−1, 1]); noise levels are drawn log-uniformly where denoising happens (σ from 0.01 to
 * 1 in the network's units, i.e. about 1 to 130 grey levels on 8-bit data), with the epsilon objective.
 * Prints one line per 50 steps; resumes when the folder holds its full training state.
 * <p>
 * The bundled model is two runs of this class (the script does both): 500 steps from scratch, then 900 steps
 * from those weights with {@code -Drecipe.init=<first folder> -Drecipe.steps=900 -Drecipe.lr=5e-4}. Other
 * overrides: {@code -Drecipe.device} (default {@code auto}: the first GPU, else the CPU), {@code -Drecipe.batch},
 * {@code -Drecipe.ema}, {@code -Drecipe.channels=a,b,c}, and {@code -Drecipe.seconds=S}, which times a few
 * steps and trains as many as fill S seconds.
 */
public final class BundledDenoiserRecipe {

	public static final int[] CHANNELS = { 32, 64, 128 };
	public static final int GROUPS = 8;

	private BundledDenoiserRecipe() {}

	/** The first run's settings, with the system properties' overrides. */
	public static TrainingSettings settings() {
		TrainingSettings s = new TrainingSettings();
		s.steps = Long.getLong("recipe.steps", 500);
		s.batch = Integer.getInteger("recipe.batch", 64);
		s.patch = 64;
		s.learningRate = Double.parseDouble(System.getProperty("recipe.lr", "1e-3"));
		s.warmupSteps = 100;
		s.seed = 0;
		s.checkpointEvery = Math.max(100, s.steps / 10);
		s.validationEvery = Math.max(100, s.steps / 20);
		s.emaDecay = Double.parseDouble(System.getProperty("recipe.ema", "0.999"));
		s.timestepSampling = TrainingSettings.TimestepSampling.LOG_SIGMA;
		s.sigmaMin = 0.01;
		s.sigmaMax = 1.0;
		return s;
	}

	/** The network's channels per level; {@code -Drecipe.channels=32,64,128} overrides. */
	static int[] channels() {
		String p = System.getProperty("recipe.channels");
		return p == null ? CHANNELS : Arrays.stream(p.split(",")).mapToInt(v -> Integer.parseInt(v.trim())).toArray();
	}

	public static JsonObject unetConfig() {
		JsonObject c = ModelPresets.unetConfig("small", 1, 64);
		c.add("block_out_channels", new Gson().toJsonTree(channels()));
		c.addProperty("norm_num_groups", GROUPS);
		return c;
	}

	public static void main(String[] args) throws Exception {
		Path data = Paths.get(args[0]), out = Paths.get(args[1]);
		DiffusionEngine.start();
		Normalization norm = Normalization.percentile();
		List<PatchSampler.Plane> planes = new ArrayList<>();
		List<String> names = new ArrayList<>();
		for (GrayImages.Gray g : GrayImages.read(data)) {
			NormalizationRange r = norm.fit(g.pixels);
			float[] unit = r.apply(g.pixels);
			for (int i = 0; i < unit.length; i++) unit[i] = unit[i] * 2 - 1;
			planes.add(new PatchSampler.Plane(1, g.height, g.width, unit));
			names.add(g.name);
		}
		JsonObject dataJson = new JsonObject();
		dataJson.addProperty("title", "Bundled grayscale denoiser (denoise-gray)");
		dataJson.addProperty("images", String.join(", ", names));
		dataJson.addProperty("count", names.size());
		dataJson.addProperty("sources", "scikit-image data (CC0/public domain), libjxl test data (CC0), imagingbook " +
			"sample images (BSD-2-Clause); see data/README.md");
		dataJson.addProperty("normalization", "per image percentile 1/99.8 to [0,1], then to [-1,1]");
		Device device = DiffusionEngine.device(System.getProperty("recipe.device", "auto"));
		System.out.println("Training on " + device);
		try (NDManager m = NDManager.newBaseManager(device)) {
			String init = System.getProperty("recipe.init"); // continue from another model's weights, fresh schedule
			JsonObject config = init == null ? unetConfig() : ConfigJson.load(Paths.get(init, "unet", "config.json"))
				.json();
			TrainingSettings s = settings();
			String budget = System.getProperty("recipe.seconds");
			if (budget != null) {
				s.steps = stepsFor(Double.parseDouble(budget), config, planes, m);
				s.checkpointEvery = Math.max(100, s.steps / 10);
				s.validationEvery = Math.max(100, s.steps / 20);
			}
			System.out.println("Settings: " + s.toJson() + ", channels " + config.get("block_out_channels"));
			UNet2DModel unet;
			if (init == null) {
				unet = new UNet2DModel(new ConfigJson(config, "recipe"));
				unet.initialize(m, Generator.manualSeed(s.seed));
			}
			else {
				unet = UNet2DModel.fromFolder(Paths.get(init, "unet"), m);
				System.out.println("Starting from the weights of " + init);
			}
			Trainer t = new Trainer(unet, Schedulers.fromConfig(new ConfigJson(ModelPresets.ddpmSchedulerConfig(
				s.prediction), "recipe")), planes, s, m);
			double before = 0;
			if (TrainingFolder.hasState(out)) {
				TrainingFolder.Saved saved = TrainingFolder.load(out, m);
				t.restore(saved.step, saved.weights, saved.ema, saved.optimizer, saved.history);
				before = saved.seconds;
				System.out.println("Resuming at step " + saved.step);
			}
			long start = System.nanoTime();
			double offset = before;
			DiffusionEngine.trainingThread();
			t.run(Progress.NONE, new TrainingListener() {
				@Override
				public void trained(long step, double loss, double lr, double perSecond) {
					if (step % 50 == 0) System.out.printf(Locale.ROOT, "step %d loss %.4f (last 50: %.4f) lr %.2e %.2f steps/s%n",
						step, loss, t.history().recentLoss(50), lr, perSecond);
				}

				@Override
				public void validated(long step, double v) {
					System.out.printf(Locale.ROOT, "step %d validation %.4f%n", step, v);
				}
			}, tr -> TrainingFolder.save(out, tr, config, norm, dataJson, offset + (System.nanoTime() - start) / 1e9));
			System.out.printf(Locale.ROOT, "done: %d steps in %.0f s%n", t.step(), offset + (System.nanoTime() - start) / 1e9);
		}
	}

	/**
	 * {@code -Drecipe.seconds=S}: times 40 steps of a throw-away copy (after 10 to warm up) and returns the step
	 * count that fills S seconds. The chosen count is printed; pass it as {@code -Drecipe.steps} to rerun.
	 */
	private static long stepsFor(double seconds, JsonObject config, List<PatchSampler.Plane> planes, NDManager parent) {
		try (NDManager m = parent.newSubManager()) {
			TrainingSettings s = settings();
			s.steps = 50;
			UNet2DModel probe = new UNet2DModel(new ConfigJson(config, "probe"));
			probe.initialize(m, Generator.manualSeed(s.seed));
			Trainer t = new Trainer(probe, Schedulers.fromConfig(new ConfigJson(ModelPresets.ddpmSchedulerConfig(
				s.prediction), "probe")), planes, s, m);
			DiffusionEngine.trainingThread();
			for (int i = 0; i < 10; i++) t.trainStep();
			long t0 = System.nanoTime();
			for (int i = 0; i < 40; i++) t.trainStep();
			double perStep = (System.nanoTime() - t0) / 1e9 / 40;
			long steps = (long) (seconds / perStep / 100) * 100;
			System.out.printf(Locale.ROOT, "Probe: %.1f ms per step; %d steps fill %.0f s%n", perStep * 1e3, steps, seconds);
			return Math.max(100, steps);
		}
	}
}
