package org.diffusionij.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.diffusionij.engine.Generator;

/**
 * Measures what the {@link OneDnnGuard} costs: the same convolutions timed in two fresh JVMs, one with the guard
 * (the default) and one with {@code DIFFUSIONIJ_ONEDNN_GUARD=off}. The variable only acts before libtorch's first
 * convolution, so each setting needs its own process. A benchmark, not a test: it prints figures for
 * docs/onednn-guard.md.
 * <p>
 * Run with the test class path: {@code java -cp ... org.diffusionij.engine.OneDnnGuardBenchmark [repeats]}. It
 * prints the median and the minimum time per call; the minimum is the least disturbed by other processes.
 */
public final class OneDnnGuardBenchmark {

	private OneDnnGuardBenchmark() {}

	public static void main(String[] args) throws IOException, InterruptedException {
		int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 20;
		if (args.length > 1 && args[1].equals("child")) {
			measure(repeats);
			return;
		}
		// alternate the two settings so that load from other processes hits both alike
		for (int round = 1; round <= 2; round++) {
			System.out.print("round " + round + ", guard on:\n" + child(repeats, false));
			System.out.print("round " + round + ", guard off:\n" + child(repeats, true));
		}
	}

	private static String child(int repeats, boolean guardOff) throws IOException, InterruptedException {
		String java = System.getProperty("java.home") + "/bin/java";
		List<String> command = new ArrayList<>();
		command.add(java);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(OneDnnGuardBenchmark.class.getName());
		command.add(Integer.toString(repeats));
		command.add("child");
		ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
		builder.environment().remove(OneDnnGuard.VARIABLE);
		if (guardOff) builder.environment().put("DIFFUSIONIJ_ONEDNN_GUARD", "off");
		else builder.environment().put("DIFFUSIONIJ_ONEDNN_GUARD", "on");
		Process process = builder.start();
		StringBuilder out = new StringBuilder();
		try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
			StandardCharsets.UTF_8)))
		{
			for (String line = reader.readLine(); line != null; line = reader.readLine()) out.append(line).append('\n');
		}
		if (process.waitFor() != 0) throw new IOException("benchmark child failed:\n" + out);
		return out.toString();
	}

	private static void measure(int repeats) {
		DiffusionEngine.start();
		System.out.println("  " + OneDnnGuard.state().description + ", " + DiffusionEngine.threads() + " threads");
		try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
			Generator.manualSeed(0);
			NDArray x = manager.randomNormal(new Shape(1, 64, 128, 128));
			NDArray w = manager.randomNormal(new Shape(64, 64, 3, 3)).mul(0.05f);
			NDArray b = manager.zeros(new Shape(64));
			DiffusionEngine.inferenceThread();
			time("conv2d 3x3 64->64, 1x64x128x128, forward", repeats, manager, m -> conv(x, w, b, 1));
			List<NDArray[]> stack = unetLikeWeights(manager);
			NDArray image = manager.randomNormal(new Shape(1, 1, 256, 256));
			time("UNet-like stack (10 convs, 32-64-128 channels), 1x1x256x256, forward", repeats, manager,
				m -> unetLike(image, stack));
			DiffusionEngine.trainingThread();
			NDArray xs = manager.randomNormal(new Shape(4, 64, 64, 64));
			time("conv2d 3x3 64->64, 4x64x64x64, forward + backward", repeats, manager, m -> {
				try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
					NDArray xg = xs.duplicate();
					NDArray wg = w.duplicate();
					xg.setRequiresGradient(true);
					wg.setRequiresGradient(true);
					collector.backward(conv(xg, wg, b, 1).sum());
					return xg.getGradient().add(0f);
				}
			});
		}
	}

	private static NDArray conv(NDArray x, NDArray w, NDArray b, int stride) {
		return Conv2d.conv2d(x, w, b, new Shape(stride, stride), new Shape(1, 1)).singletonOrThrow();
	}

	/** Weights and biases of a small encoder-decoder: 1->32->32, down 64->64, down 128->128, then back up. */
	private static List<NDArray[]> unetLikeWeights(NDManager manager) {
		int[][] layers = { { 1, 32 }, { 32, 32 }, { 32, 64 }, { 64, 64 }, { 64, 128 }, { 128, 128 }, { 128, 64 },
			{ 64, 64 }, { 64, 32 }, { 32, 1 } };
		List<NDArray[]> weights = new ArrayList<>();
		for (int[] layer : layers) {
			NDArray w = manager.randomNormal(new Shape(layer[1], layer[0], 3, 3)).mul(0.05f);
			weights.add(new NDArray[] { w, manager.zeros(new Shape(layer[1])) });
		}
		return weights;
	}

	/** Layers 2 and 4 downsample by stride 2, layers 6 and 8 are followed by nearest 2x upsampling. */
	private static NDArray unetLike(NDArray image, List<NDArray[]> weights) {
		NDArray h = image;
		for (int i = 0; i < weights.size(); i++) {
			int stride = i == 2 || i == 4 ? 2 : 1;
			h = conv(h, weights.get(i)[0], weights.get(i)[1], stride);
			if (i < weights.size() - 1) h = Activation.relu(h);
			if (i == 6 || i == 8) h = h.repeat(2, 2).repeat(3, 2);
		}
		return h;
	}

	private static void time(String name, int repeats, NDManager manager, Function<NDManager, NDArray> body) {
		for (int i = 0; i < 3; i++) {
			try (NDManager step = Scopes.step(manager)) {
				body.apply(step).toFloatArray();
			}
		}
		double[] ms = new double[repeats];
		for (int i = 0; i < repeats; i++) {
			long start = System.nanoTime();
			try (NDManager step = Scopes.step(manager)) {
				body.apply(step).toFloatArray();
			}
			ms[i] = (System.nanoTime() - start) / 1e6;
		}
		java.util.Arrays.sort(ms);
		System.out.println(String.format("  %-72s median %7.1f ms, min %7.1f ms", name, ms[repeats / 2], ms[0]));
	}
}
