package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;

/**
 * diffusers' {@code FeedForward} with {@code activation_fn="geglu"} and {@code mult=4}, as Stable Diffusion's
 * transformer blocks use it: {@code net.0} is a GEGLU ({@code net.0.proj} to twice the inner width, split in
 * half, the first half times the exact GELU of the second), {@code net.1} a dropout (identity at inference) and
 * {@code net.2} the projection back. Tokens are independent here, so long sequences run in chunks of tokens
 * (diffusers' forward chunking) whose hidden activations stay below {@link #MAX_HIDDEN} elements: same result,
 * and blocks small enough for the allocator to reuse.
 */
public final class FeedForward {

	/** Most hidden activations (batch · tokens · 2·inner) computed at once (16 MiB of float32). */
	static final long MAX_HIDDEN = 4L << 20;

	private final Linear proj;
	private final Linear out;
	private final int inner;

	public FeedForward(ParameterStore store, String name, int dim) {
		this.inner = dim * 4;
		this.proj = new Linear(store, name + ".net.0.proj", dim, inner * 2);
		this.out = new Linear(store, name + ".net.2", inner, dim);
	}

	/** (N, L, dim) to the same shape, in {@code x}'s manager. */
	public NDArray forward(NDArray x) {
		long n = x.getShape().get(0);
		long len = x.getShape().get(1);
		long chunk = Math.max(1, MAX_HIDDEN / (n * 2L * inner));
		if (chunk >= len) return chunk(x);
		NDList parts = new NDList();
		for (long s = 0; s < len; s += chunk) parts.add(chunk(x.get(new NDIndex(":, {}:{}", s, Math.min(s + chunk,
			len)))));
		NDArray y = NDArrays.concat(parts, 1);
		parts.close();
		return y;
	}

	private NDArray chunk(NDArray x) {
		NDArray h = proj.forward(x);
		NDList halves = h.split(2, h.getShape().dimension() - 1);
		NDArray gated = halves.get(0).mul(halves.get(1).getNDArrayInternal().gelu());
		h.close();
		NDArray y = out.forward(gated);
		gated.close();
		return y;
	}
}
