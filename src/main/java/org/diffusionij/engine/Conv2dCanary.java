package org.diffusionij.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Compares libtorch's conv2d forward pass, input gradient and weight gradient with {@link Conv2dReference} over
 * the shapes that exposed the oneDNN AVX-512 defect: batch 1, 2 and 4, out-channels 1, 3 and 16 (and others no
 * multiple of 16), 9 input channels (an inpainting UNet's {@code conv_in}), stride 2 (a downsampler). It runs in
 * whatever oneDNN setting the process has; {@link OneDnnGuard} runs {@link #main} in a child JVM once per machine
 * without the guard (a crash there hurts nothing) and guards only what it finds wrong ({@link CanaryVerdict}).
 */
public final class Conv2dCanary {

	/** Largest error relative to the largest reference magnitude that still counts as correct. */
	static final double TOLERANCE = 1e-4;

	/** The line of {@link #main}'s output that carries the verdict. */
	static final String VERDICT = "VERDICT";

	static final int[] BATCHES = { 1, 2, 4 };
	static final int[] OUT_CHANNELS = { 1, 3, 16 };
	/**
	 * In-channels, kernel size, padding. The 3x3 cases run first: on the affected CPU which cases go wrong depends
	 * on the convolutions run before them in the same process, and this order shows the defect.
	 */
	static final int[][] KERNELS = { { 1, 3, 1 }, { 3, 3, 1 }, { 8, 3, 1 }, { 4, 1, 0 } };
	/** Batch, in-channels, out-channels, kernel, padding, stride: 9 input channels and stride 2. */
	static final int[][] EXTRA = { { 2, 9, 3, 3, 1, 1 }, { 2, 9, 16, 3, 1, 1 }, { 2, 9, 5, 3, 1, 2 },
		{ 2, 16, 3, 3, 1, 2 }, { 4, 32, 24, 3, 1, 2 }, { 2, 32, 24, 3, 1, 1 } };
	static final int HEIGHT = 9;
	static final int WIDTH = 11;

	/** What one run found: which of the three results went wrong in some case, and a line per wrong case. */
	static final class Result {
		boolean forwardWrong;
		boolean inputGradientWrong;
		boolean weightGradientWrong;
		final List<String> failures = new ArrayList<>();
	}

	private Conv2dCanary() {}

	/** Runs every case in this process (starting the engine) and returns one line per wrong case. */
	static List<String> mismatches() {
		return run().failures;
	}

	/** Runs every case in this process, on a training thread. */
	static Result run() {
		DiffusionEngine.start();
		DiffusionEngine.trainingThread();
		Result result = new Result();
		Random random = new Random(42);
		try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
			for (int[] kernel : KERNELS) {
				for (int n : BATCHES) {
					for (int o : OUT_CHANNELS) compare(manager, random, result, n, kernel[0], o, kernel[1], kernel[2], 1);
				}
			}
			for (int[] e : EXTRA) compare(manager, random, result, e[0], e[1], e[2], e[3], e[4], e[5]);
		}
		return result;
	}

	/** One case; records in {@code result} which of forward, input and weight gradient disagree. */
	static void compare(NDManager outer, Random random, Result result, int n, int c, int o, int k, int p, int s) {
		int oh = Conv2dReference.outSize(HEIGHT, k, p, s);
		int ow = Conv2dReference.outSize(WIDTH, k, p, s);
		float[] x = gaussian(random, n * c * HEIGHT * WIDTH);
		float[] w = gaussian(random, o * c * k * k);
		float[] b = gaussian(random, o);
		float[] g = gaussian(random, n * o * oh * ow);
		Conv2dReference ref = new Conv2dReference(x, w, b, g, n, c, HEIGHT, WIDTH, o, k, p, s);
		try (NDManager m = Scopes.step(outer); GradientCollector collector = Engine.getInstance()
			.newGradientCollector())
		{
			NDArray xa = m.create(x, new Shape(n, c, HEIGHT, WIDTH));
			NDArray wa = m.create(w, new Shape(o, c, k, k));
			NDArray ba = m.create(b, new Shape(o));
			NDArray ga = m.create(g, new Shape(n, o, oh, ow));
			xa.setRequiresGradient(true);
			wa.setRequiresGradient(true);
			NDArray out = Conv2d.conv2d(xa, wa, ba, new Shape(s, s), new Shape(p, p)).singletonOrThrow();
			collector.backward(out.mul(ga).sum());
			double eOut = relativeError(out.toFloatArray(), ref.out);
			double eDx = relativeError(xa.getGradient().toFloatArray(), ref.inputGradient);
			double eDw = relativeError(wa.getGradient().toFloatArray(), ref.weightGradient);
			result.forwardWrong |= !(eOut <= TOLERANCE);
			result.inputGradientWrong |= !(eDx <= TOLERANCE);
			result.weightGradientWrong |= !(eDw <= TOLERANCE);
			if (eOut <= TOLERANCE && eDx <= TOLERANCE && eDw <= TOLERANCE) return;
			result.failures.add(String.format("batch %d, in %d, out %d, kernel %dx%d, stride %d: relative error " +
				"forward %.2g, input gradient %.2g, weight gradient %.2g", n, c, o, k, k, s, eOut, eDx, eDw));
		}
	}

	/** Largest absolute difference divided by the largest reference magnitude. */
	static double relativeError(float[] actual, double[] expected) {
		if (actual.length != expected.length) return Double.POSITIVE_INFINITY;
		double diff = 0;
		double scale = 0;
		for (int i = 0; i < actual.length; i++) {
			diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
			scale = Math.max(scale, Math.abs(expected[i]));
		}
		return diff / Math.max(scale, 1e-30);
	}

	private static float[] gaussian(Random random, int size) {
		float[] values = new float[size];
		for (int i = 0; i < size; i++) values[i] = (float) random.nextGaussian();
		return values;
	}

	/**
	 * Prints the guard state, every mismatch and the verdict line
	 * ({@code VERDICT forward=ok input_gradient=wrong weight_gradient=ok libtorch=2.7.1}); exits 1 on a mismatch.
	 */
	public static void main(String[] args) {
		Result r = run();
		System.out.println("oneDNN guard: " + OneDnnGuard.state().description);
		for (String failure : r.failures) System.out.println("MISMATCH " + failure);
		System.out.println(r.failures.isEmpty() ? "conv2d canary: all cases correct" : "conv2d canary: " +
			r.failures.size() + " case(s) wrong");
		System.out.println(VERDICT + " forward=" + word(r.forwardWrong) + " input_gradient=" + word(
			r.inputGradientWrong) + " weight_gradient=" + word(r.weightGradientWrong) + " libtorch=" + Engine
				.getInstance().getVersion());
		System.out.flush();
		System.exit(r.failures.isEmpty() ? 0 : 1);
	}

	private static String word(boolean wrong) {
		return wrong ? "wrong" : "ok";
	}
}
