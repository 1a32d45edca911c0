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
 * the shapes that exposed the oneDNN AVX-512 defect (batch 1 and 4, out-channels 1, 3 and 16). It runs under
 * the product's own engine settings: {@link DiffusionEngine#start()} (which applies the {@link OneDnnGuard}) and
 * a training thread.
 * <p>
 * {@link #main} runs the comparison in a fresh JVM and exits non-zero on a mismatch, so the guard's effect can be
 * seen by running it with and without {@code DIFFUSIONIJ_ONEDNN_GUARD=off} in the environment. On the AMD EPYC
 * (AVX-512) machine this project is developed on, the guarded run passes and the unguarded run gets the input
 * gradient wrong (relative errors 0.1 to 0.6) for batch 4 with 1 or 3 in- and out-channels, while forward and
 * weight gradients stay correct (see docs/onednn-guard.md).
 */
final class Conv2dCanary {

	/** Largest error relative to the largest reference magnitude that still counts as correct. */
	static final double TOLERANCE = 1e-4;

	static final int[] BATCHES = { 1, 4 };
	static final int[] OUT_CHANNELS = { 1, 3, 16 };
	/**
	 * In-channels, kernel size, padding. The 3x3 cases run first: on the affected CPU which cases go wrong depends
	 * on the convolutions run before them in the same process, and this order shows the defect in four cases.
	 */
	static final int[][] KERNELS = { { 1, 3, 1 }, { 3, 3, 1 }, { 8, 3, 1 }, { 4, 1, 0 } };
	static final int HEIGHT = 9;
	static final int WIDTH = 11;

	private Conv2dCanary() {}

	/** Runs every case and returns one line per case whose forward, input or weight gradient is off. */
	static List<String> mismatches() {
		DiffusionEngine.start();
		DiffusionEngine.trainingThread();
		List<String> failures = new ArrayList<>();
		Random random = new Random(42);
		try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
			for (int[] kernel : KERNELS) {
				for (int n : BATCHES) {
					for (int o : OUT_CHANNELS) {
						String result = compare(manager, random, n, kernel[0], o, kernel[1], kernel[2]);
						if (result != null) failures.add(result);
					}
				}
			}
		}
		return failures;
	}

	/** One case; null when all three results agree with the reference, else a description of the errors. */
	static String compare(NDManager outer, Random random, int n, int c, int o, int k, int p) {
		int oh = HEIGHT + 2 * p - k + 1;
		int ow = WIDTH + 2 * p - k + 1;
		float[] x = gaussian(random, n * c * HEIGHT * WIDTH);
		float[] w = gaussian(random, o * c * k * k);
		float[] b = gaussian(random, o);
		float[] g = gaussian(random, n * o * oh * ow);
		Conv2dReference ref = new Conv2dReference(x, w, b, g, n, c, HEIGHT, WIDTH, o, k, p);
		try (NDManager m = Scopes.step(outer); GradientCollector collector = Engine.getInstance()
			.newGradientCollector())
		{
			NDArray xa = m.create(x, new Shape(n, c, HEIGHT, WIDTH));
			NDArray wa = m.create(w, new Shape(o, c, k, k));
			NDArray ba = m.create(b, new Shape(o));
			NDArray ga = m.create(g, new Shape(n, o, oh, ow));
			xa.setRequiresGradient(true);
			wa.setRequiresGradient(true);
			NDArray out = Conv2d.conv2d(xa, wa, ba, new Shape(1, 1), new Shape(p, p)).singletonOrThrow();
			collector.backward(out.mul(ga).sum());
			double eOut = relativeError(out.toFloatArray(), ref.out);
			double eDx = relativeError(xa.getGradient().toFloatArray(), ref.inputGradient);
			double eDw = relativeError(wa.getGradient().toFloatArray(), ref.weightGradient);
			if (eOut <= TOLERANCE && eDx <= TOLERANCE && eDw <= TOLERANCE) return null;
			return String.format("batch %d, in %d, out %d, kernel %dx%d: relative error forward %.2g," +
				" input gradient %.2g, weight gradient %.2g", n, c, o, k, k, eOut, eDx, eDw);
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

	/** Prints the guard state and every mismatch; exits 1 if there is any. */
	public static void main(String[] args) {
		List<String> failures = mismatches();
		System.out.println("oneDNN guard: " + OneDnnGuard.state().description);
		for (String failure : failures) System.out.println("MISMATCH " + failure);
		System.out.println(failures.isEmpty() ? "conv2d canary: all cases correct" : "conv2d canary: " +
			failures.size() + " case(s) wrong");
		System.exit(failures.isEmpty() ? 0 : 1);
	}
}
