package org.diffusionij.pipelines.sd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * {@code torch.nn.functional.interpolate(mode="nearest")} to a smaller size: source index
 * {@code floor(i · in / out)}, as diffusers resizes the inpainting mask to the latent grid.
 */
final class NearestResize {

	private NearestResize() {}

	static NDArray to(NDArray x, long height, long width) {
		long h = x.getShape().get(2), w = x.getShape().get(3);
		long[] rows = new long[(int) height], cols = new long[(int) width];
		for (int i = 0; i < height; i++) rows[i] = (long) Math.floor(i * (double) h / height);
		for (int j = 0; j < width; j++) cols[j] = (long) Math.floor(j * (double) w / width);
		NDArray r = x.getManager().create(rows), c = x.getManager().create(cols);
		return x.get(new NDIndex(":, :, {}", r)).get(new NDIndex(":, :, :, {}", c));
	}
}
