package org.diffusionij.nn;

import org.diffusionij.io.ConfigJson;

/**
 * The settings of a diffusers {@code AutoencoderKL} {@code config.json}, with diffusers' defaults. Block types
 * other than {@code DownEncoderBlock2D}/{@code UpDecoderBlock2D} and activations other than SiLU are refused
 * naming the key. {@code force_upcast} only matters in half precision and {@code sample_size} only for tiled
 * decoding, so both are accepted; {@code latents_mean}/{@code latents_std} are kept for pipelines that use them.
 */
public final class AutoencoderKLConfig {

	public final int inChannels;
	public final int outChannels;
	public final int[] blockOutChannels;
	public final int layersPerBlock;
	public final int latentChannels;
	public final int normNumGroups;
	public final int sampleSize;
	/** Latents are multiplied by this after encoding and divided by it before decoding (by the pipeline). */
	public final double scalingFactor;
	/** Subtracted before scaling (SD 3 / Flux VAEs), or null when the config has none. */
	public final Double shiftFactor;
	/** Per-channel latent statistics, or null when the config has none. */
	public final double[] latentsMean;
	public final double[] latentsStd;
	public final boolean useQuantConv;
	public final boolean usePostQuantConv;
	public final boolean midBlockAddAttention;

	public AutoencoderKLConfig(ConfigJson c) {
		String src = c.source();
		inChannels = c.getInt("in_channels", 3);
		outChannels = c.getInt("out_channels", 3);
		blockOutChannels = c.getInts("block_out_channels", new int[] { 64 });
		int n = blockOutChannels.length;
		String[] down = c.getStrings("down_block_types", repeat("DownEncoderBlock2D", n));
		String[] up = c.getStrings("up_block_types", repeat("UpDecoderBlock2D", n));
		for (String t : down) if (!t.equals("DownEncoderBlock2D")) refuse(src, "down_block_types", t,
			"DownEncoderBlock2D");
		for (String t : up) if (!t.equals("UpDecoderBlock2D")) refuse(src, "up_block_types", t, "UpDecoderBlock2D");
		if (down.length != n || up.length != n) {
			throw new IllegalArgumentException(src + ": block_out_channels (" + n + "), down_block_types (" +
				down.length + ") and up_block_types (" + up.length + ") must have the same length.");
		}
		layersPerBlock = c.getInt("layers_per_block", 1);
		String act = c.getString("act_fn", "silu");
		if (!act.equals("silu") && !act.equals("swish")) refuse(src, "act_fn", act, "silu");
		latentChannels = c.getInt("latent_channels", 4);
		normNumGroups = c.getInt("norm_num_groups", 32);
		sampleSize = c.getInt("sample_size", 32);
		scalingFactor = c.getDouble("scaling_factor", 0.18215);
		shiftFactor = c.has("shift_factor") ? Double.valueOf(c.getDouble("shift_factor", 0)) : null;
		c.accept("shift_factor");
		latentsMean = c.getDoubles("latents_mean", null);
		latentsStd = c.getDoubles("latents_std", null);
		useQuantConv = c.getBoolean("use_quant_conv", true);
		usePostQuantConv = c.getBoolean("use_post_quant_conv", true);
		midBlockAddAttention = c.getBoolean("mid_block_add_attention", true);
		c.getBoolean("force_upcast", true);
	}

	private static String[] repeat(String s, int n) {
		String[] out = new String[n];
		java.util.Arrays.fill(out, s);
		return out;
	}

	private static void refuse(String source, String key, String value, String supported) {
		throw new IllegalArgumentException(source + ": " + key + " = " + value + " is not supported by this " +
			"AutoencoderKL (supported: " + supported + ").");
	}
}
