package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * diffusers' {@code BasicTransformerBlock} with {@code norm_type="layer_norm"}, as in Stable Diffusion: self-attention
 * ({@code norm1}, {@code attn1}), cross-attention on the text embedding ({@code norm2}, {@code attn2}) and a GEGLU
 * feed-forward ({@code norm3}, {@code ff}), each added to the tokens (pre-norm residuals).
 */
public final class BasicTransformerBlock {

	private static final double NORM_EPS = 1e-5;

	private final LayerNorm norm1;
	private final CrossAttention attn1;
	private final LayerNorm norm2;
	private final CrossAttention attn2;
	private final LayerNorm norm3;
	private final FeedForward ff;

	public BasicTransformerBlock(ParameterStore store, String name, int dim, int heads, int dimHead,
		int crossAttentionDim)
	{
		this.norm1 = new LayerNorm(store, name + ".norm1", dim, NORM_EPS);
		this.attn1 = new CrossAttention(store, name + ".attn1", dim, dim, heads, dimHead);
		this.norm2 = new LayerNorm(store, name + ".norm2", dim, NORM_EPS);
		this.attn2 = new CrossAttention(store, name + ".attn2", dim, crossAttentionDim, heads, dimHead);
		this.norm3 = new LayerNorm(store, name + ".norm3", dim, NORM_EPS);
		this.ff = new FeedForward(store, name + ".ff", dim);
	}

	/**
	 * @param x (N, L, dim) tokens
	 * @param context (N, S, cross_attention_dim) encoder hidden states
	 */
	public NDArray forward(NDArray x, NDArray context) {
		NDManager parent = x.getManager();
		try (NDManager scope = Ops.scope(x)) {
			NDArray tokens = Ops.alias(x, scope);
			NDArray h = attn1.forward(norm1.forward(tokens), null).add(tokens);
			h = attn2.forward(norm2.forward(h), context).add(h);
			return Ops.in(parent, ff.forward(norm3.forward(h)).add(h));
		}
	}
}
