package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;

/**
 * diffusers' {@code UNetMidBlock2DCrossAttn} with one layer: ResnetBlock2D, Transformer2DModel, ResnetBlock2D at
 * the lowest resolution; {@code mid_block_scale_factor} is the resnets' output scale.
 */
public final class UNetMidBlock2DCrossAttn {

	private final ResnetBlock2D resnet0;
	private final Transformer2DModel attention;
	private final ResnetBlock2D resnet1;

	UNetMidBlock2DCrossAttn(ParameterStore store, String name, int channels, int tembChannels, double eps,
		int groups, Transformer2DSettings transformer, double outputScaleFactor)
	{
		this.resnet0 = new ResnetBlock2D(store, name + ".resnets.0", channels, channels, tembChannels, groups, eps,
			outputScaleFactor);
		this.attention = transformer.build(store, name + ".attentions.0", channels);
		this.resnet1 = new ResnetBlock2D(store, name + ".resnets.1", channels, channels, tembChannels, groups, eps,
			outputScaleFactor);
	}

	public NDArray forward(NDArray hidden, NDArray temb, NDArray context) {
		NDArray h = resnet0.forward(hidden, temb);
		NDArray a = attention.forward(h, context);
		h.close();
		NDArray out = resnet1.forward(a, temb);
		a.close();
		return out;
	}
}
