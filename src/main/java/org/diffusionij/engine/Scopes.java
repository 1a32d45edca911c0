package org.diffusionij.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Per-step native memory scoping. A loop that creates tensors every step runs each step in its own
 * sub-manager, closed at the end of the step; what must survive the step is {@link #keep kept} in the outer
 * manager. Without this, native memory grows with the number of steps.
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

	/** Body of a scoped loop: compute step i inside {@code step}; return the new state (or null). */
	public interface Step {
		NDArray apply(int i, NDArray state, NDManager step);
	}

	private Scopes() {}

	/** A new sub-manager of {@code outer} for one step. */
	public static NDManager step(NDManager outer) {
		return outer.newSubManager();
	}

	/** Moves {@code array} to {@code outer} so it outlives the step's manager, and returns it. */
	public static NDArray keep(NDArray array, NDManager outer) {
		array.attach(outer);
		return array;
	}

	/** Moves every array in the list to {@code outer}. */
	public static NDList keep(NDList list, NDManager outer) {
		list.attach(outer);
		return list;
	}

	/** Keeps {@code next} in {@code outer} and closes {@code previous} (unless they are the same array). */
	public static NDArray replace(NDArray previous, NDArray next, NDManager outer) {
		keep(next, outer);
		if (previous != null && previous != next) previous.close();
		return next;
	}

	/**
	 * Runs {@code steps} steps, each in its own sub-manager of {@code outer}; the state returned by each step
	 * is kept in {@code outer}, the previous state is closed. Returns the final state.
	 */
	public static NDArray loop(NDManager outer, int steps, NDArray initial, Step body) {
		NDArray state = initial;
		for (int i = 0; i < steps; i++) {
			try (NDManager step = step(outer)) {
				NDArray next = body.apply(i, state, step);
				if (next != null) state = replace(state, next, outer);
			}
		}
		return state;
	}
}
