package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;

/**
 * The multi-head core of diffusers' {@code AttnProcessor}, shared by the spatial {@link Attention} and the
 * transformer's {@link CrossAttention}: split the projected queries, keys and values into heads, scale the scores
 * by 1/sqrt(dim_head), soft-max in float32 and merge the heads again.
 */
final class ScaledDotProductAttention {

	private ScaledDotProductAttention() {}

	/**
	 * @param q (N, Lq, heads·dimHead) projected queries
	 * @param k (N, Lk, heads·dimHead) projected keys
	 * @param v (N, Lk, heads·dimHead) projected values
	 * @return (N, Lq, heads·dimHead), in {@code q}'s manager
	 */
	static NDArray forward(NDArray q, NDArray k, NDArray v, int heads, int dimHead) {
		long n = q.getShape().get(0);
		long lq = q.getShape().get(1);
		long lk = k.getShape().get(1);
		NDArray qh = q.reshape(n, lq, heads, dimHead).transpose(0, 2, 1, 3);
		NDArray kT = k.reshape(n, lk, heads, dimHead).transpose(0, 2, 3, 1);
		NDArray vh = v.reshape(n, lk, heads, dimHead).transpose(0, 2, 1, 3);
		NDArray probs = qh.matMul(kT).mul(1.0 / Math.sqrt(dimHead)).softmax(-1);
		Flops.add(4L * n * heads * lq * lk * dimHead);
		return probs.matMul(vh).transpose(0, 2, 1, 3).reshape(n, lq, (long) heads * dimHead);
	}
}
