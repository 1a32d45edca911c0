package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;

/**
 * diffusers' {@code UNetMidBlock2D} with one layer: ResnetBlock2D, Attention (unless {@code add_attention} is
 * false), ResnetBlock2D, all at the lowest resolution, with {@code mid_block_scale_factor} as the output scale of
 * the resnets and the attention.
 */
public final class UNetMidBlock2D {

	private final ResnetBlock2D resnet0;
	private final Attention attention;
	private final ResnetBlock2D resnet1;

	public UNetMidBlock2D(ParameterStore store, String name, int channels, int tembChannels, double eps,
		int groups, int attnGroups, boolean addAttention, int attentionHeadDim, double outputScaleFactor)
	{
		this.resnet0 = new ResnetBlock2D(store, name + ".resnets.0", channels, channels, tembChannels, groups, eps,
			outputScaleFactor);
		this.attention = addAttention ? new Attention(store, name + ".attentions.0", channels, channels /
			attentionHeadDim, attentionHeadDim, attnGroups, eps, outputScaleFactor) : null;
		this.resnet1 = new ResnetBlock2D(store, name + ".resnets.1", channels, channels, tembChannels, groups, eps,
			outputScaleFactor);
	}

	public NDArray forward(NDArray hidden, NDArray temb) {
		NDArray h = resnet0.forward(hidden, temb);
		if (attention != null) {
			NDArray a = attention.forward(h);
			h.close();
			h = a;
		}
		NDArray out = resnet1.forward(h, temb);
		h.close();
		return out;
	}
}
