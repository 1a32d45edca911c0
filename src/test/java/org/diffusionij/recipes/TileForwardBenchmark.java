package org.diffusionij.recipes;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Locale;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.nn.Flops;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.nn.UNetBenchmark;

/**
 * Forward time of the bundled denoiser's UNet per tile side and batch, in µs per pixel (median of a few after
 * warm-up), with the counted GFLOP/s, and optionally a libtorch profile (chrome trace) of one forward:
 * <pre>
 * java -cp ... org.diffusionij.recipes.TileForwardBenchmark [SIDE[xBATCH] ...] [--profile FILE]
 * </pre>
 * A benchmark, not a test: it asserts nothing.
 */
public final class TileForwardBenchmark {

	private TileForwardBenchmark() {}

	public static void main(String[] args) throws Exception {
		DiffusionEngine.start();
		DiffusionEngine.inferenceThread();
		String profile = null;
		java.util.List<String> specs = new java.util.ArrayList<>();
		for (int i = 0; i < args.length; i++) {
			if (args[i].equals("--profile")) profile = args[++i];
			else specs.add(args[i]);
		}
		if (specs.isEmpty()) specs = Arrays.asList("128", "192", "256", "256x2", "256x4", "320", "384", "512");
		try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
			UNet2DModel unet = UNet2DModel.fromFolder(Paths.get("models/denoise-gray/unet"), manager);
			System.out.println("| tile | batch | ms/forward | µs/pixel | GFLOP/s | peak RSS MiB |");
			System.out.println("|---|---|---|---|---|---|");
			for (String spec : specs) {
				String[] p = spec.split("x");
				int side = Integer.parseInt(p[0]);
				int batch = p.length > 1 ? Integer.parseInt(p[1]) : 1;
				int repeats = Math.max(3, (int) (4e6 / ((double) side * side * batch)));
				double[] ms = new double[Math.min(repeats, 15)];
				long flops = 0;
				Generator.manualSeed(side);
				try (NDManager m = manager.newSubManager()) {
					NDArray sample = m.randomNormal(new Shape(batch, 1, side, side));
					NDArray t = m.create(new float[] { 47.67f });
					for (int i = -2; i < ms.length; i++) {
						try (NDManager step = m.newSubManager()) {
							NDArray x = sample.duplicate();
							x.attach(step);
							Flops.start();
							if (profile != null && i == 0) JniUtils.startProfile(false, true, false);
							long t0 = System.nanoTime();
							NDArray out = unet.forward(x, t);
							out.toFloatArray();
							long t1 = System.nanoTime();
							if (profile != null && i == 0) JniUtils.stopProfile(profile + "-" + spec + ".json");
							flops = Flops.stop();
							if (i >= 0) ms[i] = (t1 - t0) / 1e6;
						}
					}
				}
				Arrays.sort(ms);
				double med = ms[ms.length / 2];
				System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %.2f | %.1f | %d |%n", side, batch, med, med * 1e3 /
					((double) side * side * batch), flops / 1e6 / med, UNetBenchmark.peakRssMiB());
			}
		}
		System.exit(0);
	}
}
