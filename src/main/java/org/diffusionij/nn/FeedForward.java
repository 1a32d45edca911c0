package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * diffusers' {@code FeedForward} with {@code activation_fn="geglu"} and {@code mult=4}, as Stable Diffusion's
 * transformer blocks use it: {@code net.0} is a GEGLU ({@code net.0.proj} to twice the inner width, split in
 * half, the first half times the exact GELU of the second), {@code net.1} a dropout (identity at inference) and
 * {@code net.2} the projection back.
 */
public final class FeedForward {

	private final Linear proj;
	private final Linear out;

	public FeedForward(ParameterStore store, String name, int dim) {
		int inner = dim * 4;
		this.proj = new Linear(store, name + ".net.0.proj", dim, inner * 2);
		this.out = new Linear(store, name + ".net.2", inner, dim);
	}

	/** (..., dim) to the same shape, in {@code x}'s manager. */
	public NDArray forward(NDArray x) {
		NDList halves = proj.forward(x).split(2, x.getShape().dimension() - 1);
		NDArray hidden = halves.get(0);
		NDArray gate = halves.get(1);
		return out.forward(hidden.mul(gate.getNDArrayInternal().gelu()));
	}
}
