package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * diffusers' {@code Attention} as UNet2DModel and the VAE use it (the former {@code AttentionBlock}): spatial
 * self-attention over the H·W positions with {@code group_norm}, {@code to_q}, {@code to_k}, {@code to_v},
 * {@code to_out.0}, a residual connection and {@code rescale_output_factor}. Scores are scaled by
 * 1/sqrt(dim_head) (applied to the queries, the smaller tensor) and soft-maxed in float32, as diffusers does
 * with {@code upcast_softmax}. The (N, heads, HW, HW) scores are the largest tensors of a UNet, so they are
 * computed in slices of at most {@link #MAX_SCORES} elements (16 MiB, as diffusers' sliced attention) and freed
 * as soon as the probabilities exist: the result is the same, while peak memory stays bounded and glibc keeps
 * reusing the same blocks instead of mapping and faulting in fresh pages for every large temporary.
 */
public final class Attention {

	/** Most score elements computed at once. */
	static final long MAX_SCORES = 4L << 20;

	private final GroupNorm groupNorm;
	private final Linear toQ;
	private final Linear toK;
	private final Linear toV;
	private final Linear toOut;
	private final int heads;
	private final int dimHead;
	private final double scale;
	private final double rescaleOutputFactor;

	/**
	 * @param channels query_dim (the feature channels)
	 * @param heads number of heads
	 * @param dimHead channels per head; inner dim = heads × dimHead
	 * @param groups group norm groups
	 */
	public Attention(ParameterStore store, String name, int channels, int heads, int dimHead, int groups,
		double eps, double rescaleOutputFactor)
	{
		if (heads <= 0) {
			throw new IllegalArgumentException(name + ": attention_head_dim " + dimHead + " is larger than the " +
				channels + " channels, which leaves no attention head.");
		}
		int inner = heads * dimHead;
		this.groupNorm = new GroupNorm(store, name + ".group_norm", groups, channels, eps);
		this.toQ = new Linear(store, name + ".to_q", channels, inner);
		this.toK = new Linear(store, name + ".to_k", channels, inner);
		this.toV = new Linear(store, name + ".to_v", channels, inner);
		this.toOut = new Linear(store, name + ".to_out.0", inner, channels);
		this.heads = heads;
		this.dimHead = dimHead;
		this.scale = 1.0 / Math.sqrt(dimHead);
		this.rescaleOutputFactor = rescaleOutputFactor;
	}

	/** (N, C, H, W) to the same shape, in {@code x}'s manager. */
	public NDArray forward(NDArray x) {
		return forward(x, MAX_SCORES);
	}

	/** As {@link #forward(NDArray)} with at most {@code maxScores} score elements at once. */
	NDArray forward(NDArray x, long maxScores) {
		NDManager parent = x.getManager();
		try (NDManager scope = Ops.scope(x)) {
			return Ops.in(parent, compute(Ops.alias(x, scope), maxScores));
		}
	}

	private NDArray compute(NDArray x, long maxScores) {
		long n = x.getShape().get(0);
		long c = x.getShape().get(1);
		long h = x.getShape().get(2);
		long w = x.getShape().get(3);
		long len = h * w;
		NDArray tokens = groupNorm.forward(x).reshape(n, c, len).transpose(0, 2, 1);
		long rows = n * heads;
		NDArray q = toQ.forward(tokens).mul(scale).reshape(n, len, heads, dimHead).transpose(0, 2, 1, 3)
			.reshape(rows, len, dimHead);
		NDArray kT = toK.forward(tokens).reshape(n, len, heads, dimHead).transpose(0, 2, 3, 1)
			.reshape(rows, dimHead, len);
		NDArray v = toV.forward(tokens).reshape(n, len, heads, dimHead).transpose(0, 2, 1, 3)
			.reshape(rows, len, dimHead);
		long slice = Math.max(1, maxScores / (len * len));
		NDArray o;
		if (slice >= rows) o = attend(q, kT, v);
		else {
			NDList parts = new NDList();
			for (long s = 0; s < rows; s += slice) {
				NDIndex range = new NDIndex("{}:{}", s, Math.min(s + slice, rows));
				parts.add(attend(q.get(range), kT.get(range), v.get(range)));
			}
			o = NDArrays.concat(parts, 0);
			parts.close();
		}
		Flops.add(4L * rows * len * len * dimHead);
		o = o.reshape(n, heads, len, dimHead).transpose(0, 2, 1, 3).reshape(n, len, (long) heads * dimHead);
		NDArray out = toOut.forward(o).transpose(0, 2, 1).reshape(n, c, h, w).add(x);
		return rescaleOutputFactor == 1.0 ? out : out.div(rescaleOutputFactor);
	}

	/** softmax(q·kᵀ)·v for (B, L, d) queries, (B, d, L) transposed keys and (B, L, d) values. */
	private static NDArray attend(NDArray q, NDArray kT, NDArray v) {
		NDArray scores = q.matMul(kT);
		NDArray probs = scores.softmax(-1);
		scores.close();
		NDArray o = probs.matMul(v);
		probs.close();
		return o;
	}
}
