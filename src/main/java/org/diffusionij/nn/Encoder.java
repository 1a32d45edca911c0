package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * diffusers' VAE {@code Encoder} ({@code vae.py}): {@code conv_in}, down blocks, a mid block with one-head
 * attention, {@code conv_norm_out}, SiLU and {@code conv_out} to 2·latent_channels (mean and log-variance). The
 * down blocks are diffusers' {@code DownEncoderBlock2D}, which is {@link DownBlock2D} without time embedding
 * (same parameters, same function), with padding-0 downsamplers (asymmetric pad) and eps 1e-6 throughout.
 */
final class Encoder {

	private static final double EPS = 1e-6;

	private final Conv2d convIn;
	private final List<DownBlock2D> downBlocks = new ArrayList<>();
	private final UNetMidBlock2D midBlock;
	private final GroupNorm convNormOut;
	private final Conv2d convOut;

	Encoder(ParameterStore store, String name, AutoencoderKLConfig c) {
		int[] boc = c.blockOutChannels;
		int groups = c.normNumGroups;
		convIn = new Conv2d(store, name + ".conv_in", c.inChannels, boc[0], 3, 1, 1);
		int out = boc[0];
		for (int i = 0; i < boc.length; i++) {
			int in = out;
			out = boc[i];
			downBlocks.add(new DownBlock2D(store, name + ".down_blocks." + i, in, out, 0, c.layersPerBlock, EPS, groups,
				i < boc.length - 1, 0));
		}
		int deepest = boc[boc.length - 1];
		midBlock = new UNetMidBlock2D(store, name + ".mid_block", deepest, 0, EPS, groups, groups,
			c.midBlockAddAttention, deepest, 1.0);
		convNormOut = new GroupNorm(store, name + ".conv_norm_out", groups, deepest, EPS);
		convOut = new Conv2d(store, name + ".conv_out", deepest, 2 * c.latentChannels, 3, 1, 1);
	}

	/**
	 * (N, in_channels, H, W) image to (N, 2·latent_channels, H/f, W/f) moments. The skip states a UNet would keep
	 * are closed after each block, since the encoder has no up path.
	 */
	NDArray forward(NDArray image) {
		NDArray h = convIn.forward(image);
		List<NDArray> states = new ArrayList<>();
		for (DownBlock2D block : downBlocks) {
			NDArray next = block.forward(h, null, states);
			states.add(h);
			for (NDArray s : states) if (s != next) s.close();
			states.clear();
			h = next;
		}
		NDArray mid = midBlock.forward(h, null);
		h.close();
		return convOut.forward(Ops.silu(convNormOut.forward(mid)));
	}
}
