package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * diffusers' {@code AttnUpBlock2D}: like {@link UpBlock2D} with a spatial Attention after every resnet
 * (heads = out_channels / attention_head_dim).
 */
public final class AttnUpBlock2D implements UNetUpBlock {

	private final List<ResnetBlock2D> resnets = new ArrayList<>();
	private final List<Attention> attentions = new ArrayList<>();
	private final Upsample2D upsampler;

	public AttnUpBlock2D(ParameterStore store, String name, int inChannels, int prevOutputChannels,
		int outChannels, int tembChannels, int numLayers, double eps, int groups, int attentionHeadDim,
		boolean addUpsample)
	{
		for (int i = 0; i < numLayers; i++) {
			int resSkip = i == numLayers - 1 ? inChannels : outChannels;
			int resnetIn = i == 0 ? prevOutputChannels : outChannels;
			resnets.add(new ResnetBlock2D(store, name + ".resnets." + i, resnetIn + resSkip, outChannels,
				tembChannels, groups, eps, 1.0));
			attentions.add(new Attention(store, name + ".attentions." + i, outChannels, outChannels /
				attentionHeadDim, attentionHeadDim, groups, eps, 1.0));
		}
		this.upsampler = addUpsample ? new Upsample2D(store, name + ".upsamplers.0", outChannels, outChannels)
			: null;
	}

	/** Closes {@code hidden} and the skip connections it takes once they are used. */
	@Override
	public NDArray forward(NDArray hidden, List<NDArray> resSamples, NDArray temb) {
		NDArray h = hidden;
		for (int i = 0; i < resnets.size(); i++) {
			NDArray r = resnets.get(i).forward(Ops.concatConsuming(h, resSamples), temb);
			h = attentions.get(i).forward(r);
			r.close();
		}
		if (upsampler == null) return h;
		NDArray up = upsampler.forward(h, Ops.nextSkip(resSamples));
		h.close();
		return up;
	}
}
