package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;

/**
 * diffusers' {@code TimestepEmbedding}: {@code linear_1}, SiLU, {@code linear_2}, turning the sinusoidal
 * timestep features into the embedding every ResnetBlock2D adds to its features.
 */
public final class TimestepEmbedding {

	private final Linear linear1;
	private final Linear linear2;

	public TimestepEmbedding(ParameterStore store, String name, int inChannels, int timeEmbedDim) {
		this.linear1 = new Linear(store, name + ".linear_1", inChannels, timeEmbedDim);
		this.linear2 = new Linear(store, name + ".linear_2", timeEmbedDim, timeEmbedDim);
	}

	public NDArray forward(NDArray sample) {
		return linear2.forward(Ops.silu(linear1.forward(sample)));
	}
}
