package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * The timesteps argument of a UNet forward pass as diffusers accepts it: a scalar or a one-entry vector is used
 * for the whole batch, otherwise one entry per sample; any numeric type.
 */
final class TimestepBatch {

	private TimestepBatch() {}

	/** Checks the shape up front, so a wrong argument fails with a message rather than inside libtorch. */
	static void check(NDArray timesteps, long batch) {
		long t = timesteps.size();
		if (timesteps.getShape().dimension() > 1 || (t != 1 && t != batch)) {
			throw new IllegalArgumentException("timesteps must be a scalar or have one entry per sample (" + batch +
				"), not shape " + timesteps.getShape() + ".");
		}
	}

	/** The (batch) float32 timesteps, as a new array in {@code scope}. */
	static NDArray broadcast(NDArray timesteps, long batch, NDManager scope) {
		NDArray steps = Ops.in(scope, timesteps.toType(DataType.FLOAT32, true)).reshape(-1);
		return steps.size() == batch ? steps : steps.broadcast(batch);
	}
}
