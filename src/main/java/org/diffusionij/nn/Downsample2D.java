package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * diffusers' {@code Downsample2D} with {@code use_conv=True}: a 3×3 convolution with stride 2 and
 * {@code padding=downsample_padding}; with padding 0 the input is first padded by one on the right and bottom,
 * as diffusers does, so odd and even sizes halve the same way.
 */
public final class Downsample2D {

	private final Conv2d conv;
	private final int padding;

	public Downsample2D(ParameterStore store, String name, int channels, int outChannels, int padding) {
		this.conv = new Conv2d(store, name + ".conv", channels, outChannels, 3, 2, padding);
		this.padding = padding;
	}

	public NDArray forward(NDArray x) {
		return conv.forward(padding == 0 ? x.pad(new Shape(0, 1, 0, 1), 0) : x);
	}
}
