package org.diffusionij.nn;

import static org.diffusionij.nn.Reference.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.diffusionij.engine.DiffusionEngine;
import org.junit.jupiter.api.Test;

/**
 * Sliced attention (long sequences) gives the same result as the whole score matrix at once, both when whole
 * heads fit a slice and when one head's scores must be split over the queries.
 */
class ScaledDotProductAttentionTest {

	@Test
	void slicesOverHeads() {
		compare(5, 1024);
	}

	@Test
	void slicesOverQueries() {
		assertTrue(8192L * 1024 > ScaledDotProductAttention.MAX_SCORES);
		compare(2, 8192);
	}

	private static void compare(int heads, long keys) {
		DiffusionEngine.start();
		DiffusionEngine.inferenceThread();
		int dimHead = 4;
		long len = 1024;
		assertTrue(len * keys * heads > ScaledDotProductAttention.MAX_SCORES, "the case must be sliced");
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			Engine.getInstance().setRandomSeed(11);
			NDArray q = m.randomNormal(new Shape(1, len, heads * dimHead));
			NDArray k = m.randomNormal(new Shape(1, keys, heads * dimHead));
			NDArray v = m.randomNormal(new Shape(1, keys, heads * dimHead));
			NDArray sliced = ScaledDotProductAttention.forward(q, k, v, heads, dimHead);
			NDArray qh = q.reshape(1, len, heads, dimHead).transpose(0, 2, 1, 3);
			NDArray kT = k.reshape(1, keys, heads, dimHead).transpose(0, 2, 3, 1);
			NDArray vh = v.reshape(1, keys, heads, dimHead).transpose(0, 2, 1, 3);
			NDArray whole = qh.matMul(kT).div(Math.sqrt(dimHead)).softmax(-1).matMul(vh).transpose(0, 2, 1, 3)
				.reshape(1, len, heads * dimHead);
			assertClose(whole.toFloatArray(), sliced.toFloatArray(), 1e-5, "sliced vs whole attention");
		}
	}
}
