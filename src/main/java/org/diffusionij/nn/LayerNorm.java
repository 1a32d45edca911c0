package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * {@code torch.nn.LayerNorm} over the last axis with affine parameters {@code <name>.weight} and
 * {@code <name>.bias}, computed by libtorch's layer norm; the transformer blocks normalise their tokens with it.
 */
public final class LayerNorm {

	private final ParameterStore.Parameter weight;
	private final ParameterStore.Parameter bias;
	private final Shape normalized;
	private final float eps;

	public LayerNorm(ParameterStore store, String name, int features, double eps) {
		this.weight = store.declare(name + ".weight", new Shape(features), ParameterStore.Init.ONES, 1);
		this.bias = store.declare(name + ".bias", new Shape(features), ParameterStore.Init.ZEROS, 1);
		this.normalized = new Shape(features);
		this.eps = (float) eps;
	}

	/** (..., features) to the same shape, in {@code x}'s manager. */
	public NDArray forward(NDArray x) {
		return ai.djl.nn.norm.LayerNorm.layerNorm(x, normalized, weight.array(), bias.array(), eps)
			.singletonOrThrow();
	}
}
