package org.diffusionij.nn;

import static org.diffusionij.Fixtures.assertClose;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.junit.jupiter.api.Test;

/**
 * Multi-head attention equals softmax(q·kᵀ/sqrt(d))·v per head, whole or sliced over heads and over queries
 * (long sequences, where one head's scores exceed the slice).
 */
class ScaledDotProductAttentionTest {

	private static final int HEADS = 4;
	private static final int DIM_HEAD = 3;
	private static final long QUERIES = 20;
	private static final long KEYS = 7;

	@Test
	void wholeAndSlicedMatchTheFormula() {
		DiffusionEngine.start();
		DiffusionEngine.inferenceThread();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			Generator.manualSeed(11);
			NDArray q = m.randomNormal(new Shape(2, QUERIES, HEADS * DIM_HEAD));
			NDArray k = m.randomNormal(new Shape(2, KEYS, HEADS * DIM_HEAD));
			NDArray v = m.randomNormal(new Shape(2, KEYS, HEADS * DIM_HEAD));
			NDArray qh = q.reshape(2, QUERIES, HEADS, DIM_HEAD).transpose(0, 2, 1, 3);
			NDArray kT = k.reshape(2, KEYS, HEADS, DIM_HEAD).transpose(0, 2, 3, 1);
			NDArray vh = v.reshape(2, KEYS, HEADS, DIM_HEAD).transpose(0, 2, 1, 3);
			float[] formula = qh.matMul(kT).div(Math.sqrt(DIM_HEAD)).softmax(-1).matMul(vh).transpose(0, 2, 1, 3)
				.reshape(2, QUERIES, HEADS * DIM_HEAD).toFloatArray();
			long[] maxScores = { Long.MAX_VALUE, 3 * QUERIES * KEYS, 6 * KEYS, 1 };
			String[] cases = { "whole", "slices of 3 heads", "slices of 6 queries", "one query at a time" };
			for (int i = 0; i < maxScores.length; i++) {
				assertClose(formula, ScaledDotProductAttention.forward(q, k, v, HEADS, DIM_HEAD, maxScores[i])
					.toFloatArray(), 1e-6, cases[i]);
			}
		}
	}
}
