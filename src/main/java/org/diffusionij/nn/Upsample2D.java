package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;

/**
 * diffusers' {@code Upsample2D} with {@code use_conv=True}: nearest-neighbour 2× upsampling (libtorch's
 * interpolate, mode nearest) followed by a 3×3 convolution.
 */
public final class Upsample2D {

	private static final int NEAREST = 0;

	private final Conv2d conv;

	public Upsample2D(ParameterStore store, String name, int channels, int outChannels) {
		this.conv = new Conv2d(store, name + ".conv", channels, outChannels, 3, 1, 1);
	}

	public NDArray forward(NDArray x) {
		return forward(x, null);
	}

	/**
	 * Upsamples to the height and width of {@code like} (an up block's next skip connection), or 2× when null.
	 * This is diffusers' {@code upsample_size}: where a size was odd on the way down, 2× would be one too many.
	 */
	public NDArray forward(NDArray x, NDArray like) {
		long h = like == null ? 2 * x.getShape().get(2) : like.getShape().get(2);
		long w = like == null ? 2 * x.getShape().get(3) : like.getShape().get(3);
		NDArray up = x.getNDArrayInternal().interpolation(new long[] { h, w }, NEAREST, false);
		NDArray out = conv.forward(up);
		up.close();
		return out;
	}
}
