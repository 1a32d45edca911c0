package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * diffusers' {@code UpBlock2D}: {@code num_layers} ResnetBlock2D, each on the hidden state concatenated with one
 * skip connection along channels, then an Upsample2D unless last.
 */
public final class UpBlock2D implements UNetUpBlock {

	private final List<ResnetBlock2D> resnets = new ArrayList<>();
	private final Upsample2D upsampler;

	/**
	 * @param inChannels channels of the deepest skip connection this block takes (diffusers' in_channels)
	 * @param prevOutputChannels channels of the hidden state coming from the block below
	 */
	public UpBlock2D(ParameterStore store, String name, int inChannels, int prevOutputChannels, int outChannels,
		int tembChannels, int numLayers, double eps, int groups, boolean addUpsample)
	{
		for (int i = 0; i < numLayers; i++) {
			int resSkip = i == numLayers - 1 ? inChannels : outChannels;
			int resnetIn = i == 0 ? prevOutputChannels : outChannels;
			resnets.add(new ResnetBlock2D(store, name + ".resnets." + i, resnetIn + resSkip, outChannels,
				tembChannels, groups, eps, 1.0));
		}
		this.upsampler = addUpsample ? new Upsample2D(store, name + ".upsamplers.0", outChannels, outChannels)
			: null;
	}

	/** Closes {@code hidden} and the skip connections it takes once they are used. */
	@Override
	public NDArray forward(NDArray hidden, List<NDArray> resSamples, NDArray temb) {
		NDArray h = hidden;
		for (ResnetBlock2D resnet : resnets) {
			h = resnet.forward(Ops.concatConsuming(h, resSamples), temb);
		}
		if (upsampler == null) return h;
		NDArray up = upsampler.forward(h, Ops.nextSkip(resSamples));
		h.close();
		return up;
	}
}
