package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * diffusers' {@code Attention} as UNet2DModel and the VAE use it (the former {@code AttentionBlock}): spatial
 * self-attention over the H·W positions with {@code group_norm}, {@code to_q}, {@code to_k}, {@code to_v},
 * {@code to_out.0}, a residual connection and {@code rescale_output_factor}. The heads (scaled by
 * 1/sqrt(dim_head), soft-maxed in float32 as with diffusers' {@code upcast_softmax}, in bounded score slices)
 * are computed by {@link ScaledDotProductAttention}.
 */
public final class Attention {

	private final GroupNorm groupNorm;
	private final Linear toQ;
	private final Linear toK;
	private final Linear toV;
	private final Linear toOut;
	private final int heads;
	private final int dimHead;
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
		this.rescaleOutputFactor = rescaleOutputFactor;
	}

	/** (N, C, H, W) to the same shape, in {@code x}'s manager. */
	public NDArray forward(NDArray x) {
		return forward(x, ScaledDotProductAttention.MAX_SCORES);
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
		NDArray o = ScaledDotProductAttention.forward(toQ.forward(tokens), toK.forward(tokens), toV.forward(tokens),
			heads, dimHead, maxScores);
		NDArray out = toOut.forward(o).transpose(0, 2, 1).reshape(n, c, h, w).add(x);
		return rescaleOutputFactor == 1.0 ? out : out.div(rescaleOutputFactor);
	}
}
