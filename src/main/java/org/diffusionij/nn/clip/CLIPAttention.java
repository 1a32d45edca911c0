package org.diffusionij.nn.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.io.IOException;

/**
 * transformers' {@code CLIPAttention}: multi-head self-attention with biased q/k/v/out projections; queries are
 * scaled by {@code head_dim^-0.5} before the product with the keys, and the additive causal mask hides later
 * positions from earlier ones.
 */
final class CLIPAttention {

	private final NDArray qWeight, qBias, kWeight, kBias, vWeight, vBias, outWeight, outBias;
	private final int heads, headDim;
	private final float scale;

	CLIPAttention(String prefix, CLIPTextConfig c, CLIPWeights w) throws IOException {
		int h = c.hiddenSize;
		qWeight = w.take(prefix + "q_proj.weight", h, h);
		qBias = w.take(prefix + "q_proj.bias", h);
		kWeight = w.take(prefix + "k_proj.weight", h, h);
		kBias = w.take(prefix + "k_proj.bias", h);
		vWeight = w.take(prefix + "v_proj.weight", h, h);
		vBias = w.take(prefix + "v_proj.bias", h);
		outWeight = w.take(prefix + "out_proj.weight", h, h);
		outBias = w.take(prefix + "out_proj.bias", h);
		heads = c.numAttentionHeads;
		headDim = c.headDim();
		scale = (float) Math.pow(headDim, -0.5);
	}

	/**
	 * @param x (batch, seq, hidden)
	 * @param causalMask (seq, seq): 0 on and below the diagonal, the dtype's lowest value above it
	 */
	NDArray forward(NDArray x, NDArray causalMask) {
		long batch = x.getShape().get(0), seq = x.getShape().get(1);
		NDArray q = heads(Linear.linear(x, qWeight, qBias).singletonOrThrow().mul(scale), batch, seq);
		NDArray k = heads(Linear.linear(x, kWeight, kBias).singletonOrThrow(), batch, seq);
		NDArray v = heads(Linear.linear(x, vWeight, vBias).singletonOrThrow(), batch, seq);
		NDArray weights = q.matMul(k.transpose(0, 1, 3, 2)).add(causalMask).softmax(-1);
		NDArray out = weights.matMul(v).transpose(0, 2, 1, 3).reshape(batch, seq, (long) heads * headDim);
		return Linear.linear(out, outWeight, outBias).singletonOrThrow();
	}

	/** (batch, seq, hidden) to (batch, heads, seq, head_dim). */
	private NDArray heads(NDArray x, long batch, long seq) {
		return x.reshape(new Shape(batch, seq, heads, headDim)).transpose(0, 2, 1, 3);
	}
}
