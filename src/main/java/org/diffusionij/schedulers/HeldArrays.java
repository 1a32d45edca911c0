package org.diffusionij.schedulers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Arrays a multistep scheduler (PNDM, DPM-Solver) keeps from one step to the next. A denoising loop closes
 * each step's manager when the step ends, so the kept arrays are copies in a manager of their own, released
 * when the scheduler starts a new schedule or is closed.
 */
final class HeldArrays implements AutoCloseable {

	private NDManager manager;

	/** A copy of {@code array} that lives until {@link #close()}. */
	NDArray hold(NDArray array) {
		if (manager == null) manager = NDManager.newBaseManager(array.getDevice());
		NDArray copy = array.duplicate();
		copy.attach(manager);
		return copy;
	}

	/** Releases every held array. */
	@Override
	public void close() {
		if (manager != null) manager.close();
		manager = null;
	}
}
