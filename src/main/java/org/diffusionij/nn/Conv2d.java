package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * {@code torch.nn.Conv2d} with bias, square kernel, stride and zero padding: parameters {@code <name>.weight}
 * (out, in, k, k) and {@code <name>.bias} (out), computed by libtorch's conv2d.
 */
public final class Conv2d {

	private final ParameterStore.Parameter weight;
	private final ParameterStore.Parameter bias;
	private final int inChannels;
	private final int outChannels;
	private final int kernel;
	private final Shape stride;
	private final Shape padding;

	public Conv2d(ParameterStore store, String name, int inChannels, int outChannels, int kernel, int stride,
		int padding)
	{
		long fanIn = (long) inChannels * kernel * kernel;
		this.weight = store.declare(name + ".weight", new Shape(outChannels, inChannels, kernel, kernel),
			ParameterStore.Init.FAN_IN_UNIFORM, fanIn);
		this.bias = store.declare(name + ".bias", new Shape(outChannels), ParameterStore.Init.FAN_IN_UNIFORM, fanIn);
		this.inChannels = inChannels;
		this.outChannels = outChannels;
		this.kernel = kernel;
		this.stride = new Shape(stride, stride);
		this.padding = new Shape(padding, padding);
	}

	/**
	 * (N, in, H, W) to (N, out, H', W'); the result lands in {@code x}'s manager. More than 8 input channels that
	 * are no multiple of 8 (the 9 of an inpainting UNet's conv_in) are padded with zero channels, input and
	 * weight, to the next multiple: the same result, but oneDNN's AVX kernels (the {@code OneDnnGuard}'s choice)
	 * otherwise now and then returned garbage for such a convolution, as if they read past the input's tail.
	 */
	public NDArray forward(NDArray x) {
		NDArray w = weight.array();
		int pad = inChannels > 8 && inChannels % 8 != 0 ? 8 - inChannels % 8 : 0;
		if (pad > 0) {
			NDManager m = x.getManager();
			Shape in = x.getShape();
			x = x.concat(m.zeros(new Shape(in.get(0), pad, in.get(2), in.get(3)), x.getDataType()), 1);
			w = w.concat(m.zeros(new Shape(outChannels, pad, kernel, kernel), w.getDataType()), 1);
			w.attach(m); // concat leaves it with the parameter; it belongs to this call
		}
		NDArray y = ai.djl.nn.convolutional.Conv2d.conv2d(x, w, bias.array(), stride, padding, new Shape(1, 1), 1)
			.singletonOrThrow();
		if (Flops.enabled) {
			Shape s = y.getShape();
			Flops.add(2L * s.get(0) * outChannels * s.get(2) * s.get(3) * inChannels * kernel * kernel);
		}
		return y;
	}
}
