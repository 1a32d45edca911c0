package org.diffusionij.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Per-step native memory scoping. A loop that creates tensors every step runs each step in its own
 * sub-manager, closed at the end of the step; the state that must survive the step moves to the outer manager
 * with {@link #replace}. Without this, native memory grows with the number of steps.
 *
 * <pre>
 * NDArray x = ...; // attached to outer
 * for (int i = 0; i &lt; steps; i++) {
 *     try (NDManager step = Scopes.step(outer)) {
 *         NDArray next = f(x, step); // creates its arrays in step
 *         x = Scopes.replace(x, next, outer);
 *     }
 * }
 * </pre>
 */
public final class Scopes {

	private Scopes() {}

	/** A new sub-manager of {@code outer} for one step. */
	public static NDManager step(NDManager outer) {
		return outer.newSubManager();
	}

	/**
	 * Moves {@code next} to {@code outer} so it outlives the step's manager and closes {@code previous} (unless
	 * it is null or the same array).
	 */
	public static NDArray replace(NDArray previous, NDArray next, NDManager outer) {
		next.attach(outer);
		if (previous != null && previous != next) previous.close();
		return next;
	}
}
