package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * {@code torch.nn.Linear}: parameters {@code <name>.weight} (out, in) and, unless built with {@code bias=False}
 * (as diffusers' transformer attention projections are), {@code <name>.bias} (out), applied to the last axis by
 * libtorch's linear.
 */
public final class Linear {

	private final ParameterStore.Parameter weight;
	private final ParameterStore.Parameter bias;
	private final int inFeatures;
	private final int outFeatures;

	public Linear(ParameterStore store, String name, int inFeatures, int outFeatures) {
		this(store, name, inFeatures, outFeatures, true);
	}

	public Linear(ParameterStore store, String name, int inFeatures, int outFeatures, boolean bias) {
		this.weight = store.declare(name + ".weight", new Shape(outFeatures, inFeatures),
			ParameterStore.Init.FAN_IN_UNIFORM, inFeatures);
		this.bias = bias ? store.declare(name + ".bias", new Shape(outFeatures), ParameterStore.Init.FAN_IN_UNIFORM,
			inFeatures) : null;
		this.inFeatures = inFeatures;
		this.outFeatures = outFeatures;
	}

	/** (..., in) to (..., out); the result lands in {@code x}'s manager. */
	public NDArray forward(NDArray x) {
		NDArray y = ai.djl.nn.core.Linear.linear(x, weight.array(), bias == null ? null : bias.array())
			.singletonOrThrow();
		if (Flops.enabled) Flops.add(2L * (x.size() / inFeatures) * inFeatures * outFeatures);
		return y;
	}
}
