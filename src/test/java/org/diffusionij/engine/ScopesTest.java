package org.diffusionij.engine;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * A 1,000-step loop keeps the number of live native arrays flat when each step runs in its own sub-manager,
 * and grows it by every temporary when it does not. Live arrays are counted with DJL's
 * {@code NDManager.getManagedArrays()}, which walks the manager and all its open sub-managers.
 */
class ScopesTest {

	private static final Shape SHAPE = new Shape(1, 1, 8, 8);
	/** One step of a diffusion-like update: x = 0.9 x + 0.1 noise, with the step manager as first operand. */
	private static NDArray update(NDArray x, NDManager step) {
		NDArray noise = step.randomNormal(SHAPE);
		return noise.mul(0.1f).add(x).sub(noise.mul(0.05f)).add(0f);
	}

	/** {@code steps} updates as the pipelines run them: each in its own step manager, the state kept in outer. */
	private static NDArray scopedSteps(NDManager outer, int steps, NDArray x) {
		for (int i = 0; i < steps; i++) {
			try (NDManager step = Scopes.step(outer)) {
				x = Scopes.replace(x, update(x, step), outer);
			}
		}
		return x;
	}

	@Test
	void scopedLoopKeepsLiveArraysFlat() {
		DiffusionEngine.start();
		DiffusionEngine.inferenceThread();
		try (NDManager outer = NDManager.newBaseManager(Device.cpu())) {
			NDArray x = outer.zeros(SHAPE);
			x = scopedSteps(outer, 10, x);
			int afterTen = outer.getManagedArrays().size();
			x = scopedSteps(outer, 990, x);
			int afterThousand = outer.getManagedArrays().size();
			assertEquals(1, afterTen, "only the state survives a step");
			assertEquals(afterTen, afterThousand);
			assertFalse(x.isReleased());
			assertEquals(64, x.toFloatArray().length);
		}
	}

	@Test
	void unscopedLoopGrowsWithEveryStep() {
		DiffusionEngine.start();
		DiffusionEngine.inferenceThread();
		try (NDManager outer = NDManager.newBaseManager(Device.cpu())) {
			NDArray x = outer.zeros(SHAPE);
			for (int i = 0; i < 10; i++) x = update(x, outer);
			int afterTen = outer.getManagedArrays().size();
			for (int i = 10; i < 1000; i++) x = update(x, outer);
			int afterThousand = outer.getManagedArrays().size();
			int perStep = (afterTen - 1) / 10;
			assertTrue(perStep >= 5, "noise, two products, two sums (and scalar operands) per step: " + perStep);
			assertEquals(1 + 1000 * perStep, afterThousand, "every temporary of every step is still alive");
		}
	}

	@Test
	void keptArraysOutliveTheirStep() {
		DiffusionEngine.start();
		try (NDManager outer = NDManager.newBaseManager(Device.cpu())) {
			NDArray kept;
			NDArray dropped;
			try (NDManager step = Scopes.step(outer)) {
				kept = Scopes.replace(null, step.ones(SHAPE), outer);
				dropped = step.ones(SHAPE);
			}
			assertFalse(kept.isReleased());
			assertTrue(dropped.isReleased());
			NDArray previous = outer.zeros(SHAPE);
			NDArray next = Scopes.replace(previous, kept, outer);
			assertSame(kept, next);
			assertTrue(previous.isReleased());
		}
	}
}
