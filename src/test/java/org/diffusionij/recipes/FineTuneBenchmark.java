/*
 * Run from the repository root (one JVM of its own):
 *
 *   mvn -o -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
 *   java -cp target/test-classes:target/classes:$(cat target/classpath.txt) \
 *     org.diffusionij.recipes.FineTuneBenchmark models/denoise-gray STACK.tif [steps] [patch] [threshold]
 */
package org.diffusionij.recipes;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ij.IJ;
import ij.ImagePlus;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.host.train.TrainingData;
import org.diffusionij.pipelines.UnconditionalModel;
import org.diffusionij.pipelines.train.TrainingStart;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.pipelines.Progress;
import org.diffusionij.pipelines.train.Trainer;
import org.diffusionij.pipelines.train.TrainingListener;
import org.diffusionij.pipelines.train.TrainingSettings;

/**
 * Does fine-tuning a trained model pay? Trains on a stack the model has never seen twice with identical settings,
 * data split, seeds and validation batch: once starting from the model folder's weights (fine-tuning, as Train
 * Diffusion on Stack does with {@code init}), once from freshly initialised weights of the same architecture and
 * scheduler (from scratch). Prints the validation loss of both every 10 steps and the steps each needs to reach
 * a validation-loss threshold: the given one, else what the from-scratch run reaches at its last step.
 */
public final class FineTuneBenchmark {

	private FineTuneBenchmark() {}

	public static void main(String[] args) throws Exception {
		Path init = Paths.get(args[0]);
		ImagePlus stack = IJ.openImage(args[1]);
		int steps = args.length > 2 ? Integer.parseInt(args[2]) : 300;
		int patch = args.length > 3 ? Integer.parseInt(args[3]) : 48;
		double threshold = args.length > 4 ? Double.parseDouble(args[4]) : Double.NaN;
		DiffusionEngine.start();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			TrainingStart tuned = TrainingStart.fineTune(UnconditionalModel.open(init), settings(steps, patch), m);
			TrainingData data = TrainingData.of(stack, tuned.normalization);
			UNet2DModel fresh = new UNet2DModel(new ConfigJson(tuned.unetConfig, "scratch"));
			fresh.initialize(m, Generator.manualSeed(0));
			TrainingSettings scratchSettings = settings(steps, patch);
			scratchSettings.timestepSampling = tuned.settings.timestepSampling;
			scratchSettings.sigmaMin = tuned.settings.sigmaMin;
			scratchSettings.sigmaMax = tuned.settings.sigmaMax;
			scratchSettings.maxTimestep = tuned.settings.maxTimestep;
			System.out.printf(Locale.ROOT, "%s: %d planes %s, patch %d, batch %d, lr %.0e, %d steps, timesteps %s%n",
				args[1], data.planes.size(), data.description.get("size").getAsString(), patch, tuned.settings.batch,
				tuned.settings.learningRate, steps, tuned.settings.timestepSampling);
			List<double[]> a = train(new Trainer(tuned.unet, tuned.scheduler, data.planes, tuned.settings, m));
			List<double[]> b = train(new Trainer(fresh, tuned.scheduler, data.planes, scratchSettings, m));
			System.out.println("| step | validation loss, fine-tuned | validation loss, from scratch |");
			System.out.println("|---|---|---|");
			for (int i = 0; i < a.size(); i++) {
				System.out.printf(Locale.ROOT, "| %d | %.5f | %.5f |%n", (long) a.get(i)[0], a.get(i)[1], b.get(i)[1]);
			}
			double t = Double.isNaN(threshold) ? b.get(b.size() - 1)[1] : threshold;
			System.out.printf(Locale.ROOT, "%nsteps to reach validation loss %.5f: fine-tuned %s, from scratch %s%n", t,
				reach(a, t), reach(b, t));
		}
	}

	static TrainingSettings settings(int steps, int patch) {
		TrainingSettings s = new TrainingSettings();
		s.steps = steps;
		s.batch = 8;
		s.patch = patch;
		s.learningRate = 5e-4;
		s.warmupSteps = 20;
		s.validationEvery = 10;
		s.checkpointEvery = Long.MAX_VALUE;
		s.seed = 0;
		return s;
	}

	/** Validation losses, the first before any step. */
	private static List<double[]> train(Trainer t) throws Exception {
		List<double[]> v = new ArrayList<>();
		DiffusionEngine.trainingThread();
		v.add(new double[] { 0, t.validationLoss() });
		long start = System.nanoTime();
		t.run(Progress.NONE, new TrainingListener() {
			@Override
			public void validated(long step, double loss) {
				v.add(new double[] { step, loss });
			}
		}, tr -> {});
		System.out.printf(Locale.ROOT, "%d steps in %.0f s%n", t.step(), (System.nanoTime() - start) / 1e9);
		return v;
	}

	private static String reach(List<double[]> losses, double threshold) {
		for (double[] v : losses) if (v[1] <= threshold) return Long.toString((long) v[0]);
		return "not within " + (long) losses.get(losses.size() - 1)[0];
	}
}
