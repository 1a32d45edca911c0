package org.diffusionij.nn.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;
import java.io.IOException;

/**
 * transformers' {@code CLIPEncoderLayer}, pre-norm: {@code x + attn(ln1(x))}, then {@code x + mlp(ln2(x))}.
 */
final class CLIPEncoderLayer {

	private final CLIPAttention selfAttn;
	private final CLIPMLP mlp;
	private final NDArray ln1Weight, ln1Bias, ln2Weight, ln2Bias;
	private final Shape normalized;
	private final float eps;

	CLIPEncoderLayer(String prefix, CLIPTextConfig c, CLIPWeights w) throws IOException {
		selfAttn = new CLIPAttention(prefix + "self_attn.", c, w);
		ln1Weight = w.take(prefix + "layer_norm1.weight", c.hiddenSize);
		ln1Bias = w.take(prefix + "layer_norm1.bias", c.hiddenSize);
		mlp = new CLIPMLP(prefix + "mlp.", c, w);
		ln2Weight = w.take(prefix + "layer_norm2.weight", c.hiddenSize);
		ln2Bias = w.take(prefix + "layer_norm2.bias", c.hiddenSize);
		normalized = new Shape(c.hiddenSize);
		eps = (float) c.layerNormEps;
	}

	NDArray forward(NDArray x, NDArray causalMask) {
		NDArray h = x.add(selfAttn.forward(layerNorm(x, ln1Weight, ln1Bias), causalMask));
		return h.add(mlp.forward(layerNorm(h, ln2Weight, ln2Bias)));
	}

	private NDArray layerNorm(NDArray x, NDArray weight, NDArray bias) {
		return layerNorm(x, normalized, weight, bias, eps);
	}

	/** Layer normalisation over the last axis (also the model's {@code final_layer_norm}). */
	static NDArray layerNorm(NDArray x, Shape normalized, NDArray weight, NDArray bias, float eps) {
		return LayerNorm.layerNorm(x, normalized, weight, bias, eps).singletonOrThrow();
	}
}
