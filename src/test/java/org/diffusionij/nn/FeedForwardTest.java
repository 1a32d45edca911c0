package org.diffusionij.nn;

import static org.diffusionij.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.junit.jupiter.api.Test;

/** A sequence long enough to be chunked gives the same result as its halves computed whole. */
class FeedForwardTest {

	@Test
	void chunkingKeepsTheResult() {
		DiffusionEngine.start();
		DiffusionEngine.inferenceThread();
		int dim = 8;
		long len = 70_000;
		assertTrue(len * 2 * 4 * dim > FeedForward.MAX_HIDDEN, "the sequence must be chunked");
		ParameterStore store = new ParameterStore();
		FeedForward ff = new FeedForward(store, "ff", dim);
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			store.initialize(m, Generator.manualSeed(5));
			Generator.manualSeed(6);
			NDArray x = m.randomNormal(new Shape(1, len, dim));
			long half = len / 2;
			assertTrue(half * 2 * 4 * dim <= FeedForward.MAX_HIDDEN, "each half must be whole");
			NDArray halves = ff.forward(x.get(new NDIndex(":, :{}", half))).concat(ff.forward(x.get(new NDIndex(
				":, {}:", half))), 1);
			assertClose(halves.toFloatArray(), ff.forward(x).toFloatArray(), 1e-6, "chunked feed-forward");
		}
	}
}
