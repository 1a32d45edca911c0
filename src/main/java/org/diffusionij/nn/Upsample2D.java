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
		long h = x.getShape().get(2);
		long w = x.getShape().get(3);
		NDArray up = x.getNDArrayInternal().interpolation(new long[] { 2 * h, 2 * w }, NEAREST, false);
		NDArray out = conv.forward(up);
		up.close();
		return out;
	}
}
