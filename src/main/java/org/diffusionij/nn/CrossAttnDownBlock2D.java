package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * diffusers' {@code CrossAttnDownBlock2D}: {@code num_layers} pairs of ResnetBlock2D and Transformer2DModel
 * (attending to the text embedding), then a Downsample2D unless last.
 */
public final class CrossAttnDownBlock2D implements UNetConditionDownBlock {

	private final List<ResnetBlock2D> resnets = new ArrayList<>();
	private final List<Transformer2DModel> attentions = new ArrayList<>();
	private final Downsample2D downsampler;

	CrossAttnDownBlock2D(ParameterStore store, String name, int inChannels, int outChannels, int tembChannels,
		int numLayers, double eps, int groups, Transformer2DSettings transformer, boolean addDownsample,
		int downsamplePadding)
	{
		for (int i = 0; i < numLayers; i++) {
			resnets.add(new ResnetBlock2D(store, name + ".resnets." + i, i == 0 ? inChannels : outChannels,
				outChannels, tembChannels, groups, eps, 1.0));
			attentions.add(transformer.build(store, name + ".attentions." + i, outChannels));
		}
		this.downsampler = addDownsample ? new Downsample2D(store, name + ".downsamplers.0", outChannels,
			outChannels, downsamplePadding) : null;
	}

	@Override
	public NDArray forward(NDArray hidden, NDArray temb, NDArray context, List<NDArray> outputStates) {
		NDArray h = hidden;
		for (int i = 0; i < resnets.size(); i++) {
			NDArray r = resnets.get(i).forward(h, temb);
			h = attentions.get(i).forward(r, context);
			r.close();
			outputStates.add(h);
		}
		if (downsampler != null) {
			h = downsampler.forward(h);
			outputStates.add(h);
		}
		return h;
	}
}
