package org.diffusionij.schedulers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/** Small array helpers the schedulers share: broadcasting per-batch factors, scoping, timestep checks. */
final class StepMath {

	private StepMath() {}

	/** {@code x · a + y · b} with per-batch factors broadcast over the remaining dimensions, in x's manager. */
	static NDArray combine(NDArray x, float[] a, NDArray y, float[] b) {
		NDManager m = x.getManager();
		try (NDArray fa = perBatch(a, x); NDArray fb = perBatch(b, x); NDArray xa = x.mul(fa);
			NDArray yb = local(y, m).mul(fb))
		{
			return xa.add(yb);
		}
	}

	/** Factors shaped (n, 1, 1, …) to broadcast over {@code like}'s batch, n being 1 or the batch size. */
	static NDArray perBatch(float[] factors, NDArray like) {
		long batch = like.getShape().get(0);
		if (factors.length != 1 && factors.length != batch) throw new IllegalArgumentException(factors.length +
			" timesteps for a batch of " + batch + ".");
		long[] dims = new long[like.getShape().dimension()];
		Arrays.fill(dims, 1);
		dims[0] = factors.length;
		return like.getManager().create(factors, new Shape(dims));
	}

	/**
	 * {@code array} itself if it lives in {@code manager}, else a copy there, so that a step's arithmetic and
	 * its temporaries stay in the caller's per-step scope rather than in the manager of a long-lived sample.
	 */
	static NDArray local(NDArray array, NDManager manager) {
		if (array.getManager() == manager) return array;
		NDArray copy = array.duplicate();
		copy.attach(manager);
		return copy;
	}

	/** A timestep as an index into the training tables, refused unless integral and in range. */
	static int trainIndex(float timestep, int numTrainTimesteps) {
		int t = (int) timestep;
		if (t != timestep || t < 0 || t >= numTrainTimesteps) throw new IllegalArgumentException("Timestep " +
			timestep + " is not one of the training timesteps 0.." + (numTrainTimesteps - 1) + ".");
		return t;
	}

	static float sqrt(float x) {
		return (float) Math.sqrt(x);
	}
}
