package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * diffusers' {@code CrossAttnUpBlock2D}: like {@link UpBlock2D} with a Transformer2DModel (attending to the text
 * embedding) after every resnet.
 */
public final class CrossAttnUpBlock2D implements UNetConditionUpBlock {

	private final List<ResnetBlock2D> resnets = new ArrayList<>();
	private final List<Transformer2DModel> attentions = new ArrayList<>();
	private final Upsample2D upsampler;

	/**
	 * @param inChannels channels of the deepest skip connection this block takes (diffusers' in_channels)
	 * @param prevOutputChannels channels of the hidden state coming from the block below
	 */
	CrossAttnUpBlock2D(ParameterStore store, String name, int inChannels, int prevOutputChannels, int outChannels,
		int tembChannels, int numLayers, double eps, int groups, Transformer2DSettings transformer,
		boolean addUpsample)
	{
		for (int i = 0; i < numLayers; i++) {
			int resSkip = i == numLayers - 1 ? inChannels : outChannels;
			int resnetIn = i == 0 ? prevOutputChannels : outChannels;
			resnets.add(new ResnetBlock2D(store, name + ".resnets." + i, resnetIn + resSkip, outChannels,
				tembChannels, groups, eps, 1.0));
			attentions.add(transformer.build(store, name + ".attentions." + i, outChannels));
		}
		this.upsampler = addUpsample ? new Upsample2D(store, name + ".upsamplers.0", outChannels, outChannels)
			: null;
	}

	/** Closes {@code hidden} and the skip connections it takes once they are used. */
	@Override
	public NDArray forward(NDArray hidden, List<NDArray> resSamples, NDArray temb, NDArray context) {
		NDArray h = hidden;
		for (int i = 0; i < resnets.size(); i++) {
			NDArray r = resnets.get(i).forward(Ops.concatConsuming(h, resSamples), temb);
			h = attentions.get(i).forward(r, context);
			r.close();
		}
		if (upsampler == null) return h;
		NDArray up = upsampler.forward(h, Ops.nextSkip(resSamples));
		h.close();
		return up;
	}
}
