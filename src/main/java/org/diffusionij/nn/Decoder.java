package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * diffusers' VAE {@code Decoder} ({@code vae.py}, {@code norm_type="group"}): {@code conv_in} from the latent
 * channels, a mid block with one-head attention, {@link UpDecoderBlock2D}s with layers_per_block + 1 resnets,
 * {@code conv_norm_out}, SiLU and {@code conv_out} to the image channels; eps 1e-6 throughout.
 */
final class Decoder {

	private static final double EPS = 1e-6;

	private final Conv2d convIn;
	private final UNetMidBlock2D midBlock;
	private final List<UpDecoderBlock2D> upBlocks = new ArrayList<>();
	private final GroupNorm convNormOut;
	private final Conv2d convOut;

	Decoder(ParameterStore store, String name, AutoencoderKLConfig c) {
		int[] boc = c.blockOutChannels;
		int groups = c.normNumGroups;
		int deepest = boc[boc.length - 1];
		convIn = new Conv2d(store, name + ".conv_in", c.latentChannels, deepest, 3, 1, 1);
		midBlock = new UNetMidBlock2D(store, name + ".mid_block", deepest, 0, EPS, groups, groups,
			c.midBlockAddAttention, deepest, 1.0);
		int out = deepest;
		for (int i = 0; i < boc.length; i++) {
			int in = out;
			out = boc[boc.length - 1 - i];
			upBlocks.add(new UpDecoderBlock2D(store, name + ".up_blocks." + i, in, out, c.layersPerBlock + 1, EPS,
				groups, i < boc.length - 1));
		}
		convNormOut = new GroupNorm(store, name + ".conv_norm_out", groups, boc[0], EPS);
		convOut = new Conv2d(store, name + ".conv_out", boc[0], c.outChannels, 3, 1, 1);
	}

	/** (N, latent_channels, h, w) latents to (N, out_channels, h·f, w·f) image. */
	NDArray forward(NDArray latents) {
		NDArray in = convIn.forward(latents);
		NDArray h = midBlock.forward(in, null);
		in.close();
		for (UpDecoderBlock2D block : upBlocks) h = block.forward(h);
		return convOut.forward(Ops.silu(convNormOut.forward(h)));
	}
}
