package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * diffusers' {@code Attention} as the transformer blocks use it (its former name {@code CrossAttention}): queries
 * from the tokens, keys and values from {@code encoder_hidden_states} (the text embedding) or, for
 * self-attention, from the tokens themselves. {@code to_q}, {@code to_k}, {@code to_v} carry no bias
 * ({@code attention_bias=False}); {@code to_out.0} does. There is no norm and no residual here: the
 * {@link BasicTransformerBlock} adds those. {@code upcast_attention} only matters in half precision; everything
 * here is float32.
 */
public final class CrossAttention {

	private final Linear toQ;
	private final Linear toK;
	private final Linear toV;
	private final Linear toOut;
	private final int heads;
	private final int dimHead;

	/**
	 * @param queryDim channels of the tokens
	 * @param crossAttentionDim channels of the context; equal to {@code queryDim} for self-attention
	 */
	public CrossAttention(ParameterStore store, String name, int queryDim, int crossAttentionDim, int heads,
		int dimHead)
	{
		int inner = heads * dimHead;
		this.toQ = new Linear(store, name + ".to_q", queryDim, inner, false);
		this.toK = new Linear(store, name + ".to_k", crossAttentionDim, inner, false);
		this.toV = new Linear(store, name + ".to_v", crossAttentionDim, inner, false);
		this.toOut = new Linear(store, name + ".to_out.0", inner, queryDim);
		this.heads = heads;
		this.dimHead = dimHead;
	}

	/**
	 * @param x (N, L, query_dim) tokens
	 * @param context (N, S, cross_attention_dim), or null for self-attention
	 * @return (N, L, query_dim), in {@code x}'s manager
	 */
	public NDArray forward(NDArray x, NDArray context) {
		NDManager parent = x.getManager();
		try (NDManager scope = Ops.scope(x)) {
			NDArray tokens = Ops.alias(x, scope);
			NDArray kv = context == null ? tokens : Ops.alias(context, scope);
			return Ops.in(parent, toOut.forward(ScaledDotProductAttention.forward(toQ.forward(tokens), toK.forward(kv),
				toV.forward(kv), heads, dimHead)));
		}
	}
}
