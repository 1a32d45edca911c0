package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * diffusers' {@code UpDecoderBlock2D}, the VAE decoder's stage: {@code num_layers} ResnetBlock2D without time
 * embedding and without skip connections, then an Upsample2D unless last.
 */
public final class UpDecoderBlock2D {

	private final List<ResnetBlock2D> resnets = new ArrayList<>();
	private final Upsample2D upsampler;

	public UpDecoderBlock2D(ParameterStore store, String name, int inChannels, int outChannels, int numLayers,
		double eps, int groups, boolean addUpsample)
	{
		for (int i = 0; i < numLayers; i++) {
			resnets.add(new ResnetBlock2D(store, name + ".resnets." + i, i == 0 ? inChannels : outChannels,
				outChannels, 0, groups, eps, 1.0));
		}
		this.upsampler = addUpsample ? new Upsample2D(store, name + ".upsamplers.0", outChannels, outChannels)
			: null;
	}

	/** Closes {@code hidden} and each intermediate once used, like the UNet's up blocks. */
	public NDArray forward(NDArray hidden) {
		NDArray h = hidden;
		for (ResnetBlock2D resnet : resnets) {
			NDArray next = resnet.forward(h, null);
			h.close();
			h = next;
		}
		if (upsampler == null) return h;
		NDArray up = upsampler.forward(h);
		h.close();
		return up;
	}
}
