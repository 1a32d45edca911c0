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

/** Sliced attention (long sequences) gives the same result as the whole score matrix at once. */
class ScaledDotProductAttentionTest {

	@Test
	void slicesGiveTheSameResult() {
		DiffusionEngine.start();
		DiffusionEngine.inferenceThread();
		int heads = 3;
		int dimHead = 4;
		long len = 2048;
		assertTrue(len * len * heads > ScaledDotProductAttention.MAX_SCORES, "the case must be sliced");
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			Engine.getInstance().setRandomSeed(11);
			NDArray q = m.randomNormal(new Shape(1, len, heads * dimHead));
			NDArray k = m.randomNormal(new Shape(1, len / 2, heads * dimHead));
			NDArray v = m.randomNormal(new Shape(1, len / 2, heads * dimHead));
			NDArray sliced = ScaledDotProductAttention.forward(q, k, v, heads, dimHead);
			NDArray qh = q.reshape(1, len, heads, dimHead).transpose(0, 2, 1, 3);
			NDArray kT = k.reshape(1, len / 2, heads, dimHead).transpose(0, 2, 3, 1);
			NDArray vh = v.reshape(1, len / 2, heads, dimHead).transpose(0, 2, 1, 3);
			NDArray whole = qh.matMul(kT).div(Math.sqrt(dimHead)).softmax(-1).matMul(vh).transpose(0, 2, 1, 3)
				.reshape(1, len, heads * dimHead);
			assertClose(whole.toFloatArray(), sliced.toFloatArray(), 1e-5, "sliced vs whole attention");
		}
	}
}
