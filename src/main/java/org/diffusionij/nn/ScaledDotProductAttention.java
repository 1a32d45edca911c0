package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * The multi-head core of diffusers' {@code AttnProcessor}, shared by the spatial {@link Attention} and the
 * transformer's {@link CrossAttention}, for projected queries, keys and values: split into
 * heads, scale by 1/sqrt(dim_head) (applied to the queries, the smaller tensor), soft-max in float32, merge the
 * heads again. The (batch·heads, Lq, Lk) scores are the largest tensors of a Stable Diffusion UNet (1 GiB per
 * tensor at 512 px, batch 2), so they are computed in slices of at most {@link #MAX_SCORES} elements (diffusers'
 * sliced attention over batch·heads, and over queries when one head's scores are larger still, since each
 * query's soft-max is independent) and freed as soon as the probabilities exist: same result, bounded memory,
 * and blocks small enough for the allocator to reuse instead of mapping fresh pages for every slice.
 */
final class ScaledDotProductAttention {

	/** Most score elements computed at once (16 MiB of float32). */
	static final long MAX_SCORES = 4L << 20;

	private ScaledDotProductAttention() {}

	/**
	 * @param q (N, Lq, heads·dimHead) projected queries
	 * @param k (N, Lk, heads·dimHead) projected keys
	 * @param v (N, Lk, heads·dimHead) projected values
	 * @return (N, Lq, heads·dimHead), in {@code q}'s manager
	 */
	static NDArray forward(NDArray q, NDArray k, NDArray v, int heads, int dimHead) {
		return forward(q, k, v, heads, dimHead, MAX_SCORES);
	}

	/** As {@link #forward(NDArray, NDArray, NDArray, int, int)} with at most {@code maxScores} scores at once. */
	static NDArray forward(NDArray q, NDArray k, NDArray v, int heads, int dimHead, long maxScores) {
		long n = q.getShape().get(0);
		long lq = q.getShape().get(1);
		long lk = k.getShape().get(1);
		long rows = n * heads;
		NDArray qh = q.mul(1.0 / Math.sqrt(dimHead)).reshape(n, lq, heads, dimHead).transpose(0, 2, 1, 3)
			.reshape(rows, lq, dimHead);
		NDArray kT = k.reshape(n, lk, heads, dimHead).transpose(0, 2, 3, 1).reshape(rows, dimHead, lk);
		NDArray vh = v.reshape(n, lk, heads, dimHead).transpose(0, 2, 1, 3).reshape(rows, lk, dimHead);
		long queries = Math.min(lq, Math.max(1, maxScores / lk));
		long slice = Math.max(1, maxScores / (queries * lk));
		NDArray o;
		if (slice >= rows && queries == lq) o = attend(qh, kT, vh);
		else {
			NDList parts = new NDList();
			for (long s = 0; s < rows; s += slice) {
				NDIndex range = new NDIndex("{}:{}", s, Math.min(s + slice, rows));
				NDArray k1 = kT.get(range);
				NDArray v1 = vh.get(range);
				NDList chunks = new NDList();
				for (long r = 0; r < lq; r += queries) {
					chunks.add(attend(qh.get(new NDIndex("{}:{}, {}:{}", s, Math.min(s + slice, rows), r, Math.min(r +
						queries, lq))), k1, v1));
				}
				parts.add(chunks.size() == 1 ? chunks.get(0) : NDArrays.concat(chunks, 1));
				if (chunks.size() > 1) chunks.close();
			}
			o = NDArrays.concat(parts, 0);
			parts.close();
		}
		if (Flops.enabled) Flops.add(4L * rows * lq * lk * dimHead);
		return o.reshape(n, heads, lq, dimHead).transpose(0, 2, 1, 3).reshape(n, lq, (long) heads * dimHead);
	}

	/**
	 * softmax(q·kᵀ)·v for (B, Lq, d) queries, (B, d, Lk) transposed keys and (B, Lk, d) values. In float16 the
	 * scores and their soft-max are computed in float32 (diffusers' {@code upcast_attention} and
	 * {@code upcast_softmax}, which keep large scores from overflowing), and the probabilities meet the values
	 * in float16.
	 */
	private static NDArray attend(NDArray q, NDArray kT, NDArray v) {
		boolean half = q.getDataType() == DataType.FLOAT16;
		NDArray scores;
		if (half) {
			// freed at once, like the scores: each slice's float32 copies must not outlive it
			try (NDArray q32 = q.toType(DataType.FLOAT32, false); NDArray kT32 = kT.toType(DataType.FLOAT32, false)) {
				scores = q32.matMul(kT32);
			}
		}
		else scores = q.matMul(kT);
		NDArray probs = scores.softmax(-1);
		scores.close();
		if (half) {
			NDArray full = probs;
			probs = full.toType(DataType.FLOAT16, false);
			full.close();
		}
		NDArray o = probs.matMul(v);
		probs.close();
		return o;
	}
}
