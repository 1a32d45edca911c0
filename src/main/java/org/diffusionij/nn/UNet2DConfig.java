package org.diffusionij.nn;

import org.diffusionij.io.ConfigJson;

/**
 * The settings of a diffusers {@code UNet2DModel} {@code config.json}, with diffusers' defaults. Values this
 * implementation cannot honour (Fourier or learned time embeddings, class conditioning, resnet down/upsampling,
 * skip blocks, other activations) are refused with a message naming the key, rather than silently giving a
 * different network; keys nobody read are left for {@link ConfigJson#unusedKeys()} to report.
 */
public final class UNet2DConfig {

	public final int sampleSize;
	public final int inChannels;
	public final int outChannels;
	public final boolean centerInputSample;
	public final boolean flipSinToCos;
	public final double freqShift;
	public final int timeEmbedDim;
	public final String[] downBlockTypes;
	public final String[] upBlockTypes;
	public final boolean hasMidBlock;
	public final int[] blockOutChannels;
	public final int layersPerBlock;
	public final double midBlockScaleFactor;
	public final int downsamplePadding;
	public final double dropout;
	/** Channels per attention head, or null for one head per block (diffusers' attention_head_dim=None). */
	public final Integer attentionHeadDim;
	public final int normNumGroups;
	public final Integer attnNormNumGroups;
	public final double normEps;
	public final boolean addAttention;

	public UNet2DConfig(ConfigJson c) {
		String src = c.source();
		int[] size = c.getInts("sample_size", null);
		sampleSize = size == null ? 0 : size[0];
		inChannels = c.getInt("in_channels", 3);
		outChannels = c.getInt("out_channels", 3);
		centerInputSample = c.getBoolean("center_input_sample", false);
		String tet = c.getString("time_embedding_type", "positional");
		if (!tet.equals("positional")) refuse(src, "time_embedding_type", tet, "positional");
		flipSinToCos = c.getBoolean("flip_sin_to_cos", true);
		freqShift = c.getDouble("freq_shift", 0);
		downBlockTypes = c.getStrings("down_block_types", new String[] { "DownBlock2D", "AttnDownBlock2D",
			"AttnDownBlock2D", "AttnDownBlock2D" });
		upBlockTypes = c.getStrings("up_block_types", new String[] { "AttnUpBlock2D", "AttnUpBlock2D",
			"AttnUpBlock2D", "UpBlock2D" });
		for (String t : downBlockTypes) {
			if (!t.equals("DownBlock2D") && !t.equals("AttnDownBlock2D")) {
				refuse(src, "down_block_types", t, "DownBlock2D, AttnDownBlock2D");
			}
		}
		for (String t : upBlockTypes) {
			if (!t.equals("UpBlock2D") && !t.equals("AttnUpBlock2D")) {
				refuse(src, "up_block_types", t, "UpBlock2D, AttnUpBlock2D");
			}
		}
		String mid = c.getString("mid_block_type", "UNetMidBlock2D");
		if (!mid.equals("UNetMidBlock2D")) refuse(src, "mid_block_type", mid, "UNetMidBlock2D or null");
		hasMidBlock = !c.json().has("mid_block_type") || c.has("mid_block_type");
		blockOutChannels = c.getInts("block_out_channels", new int[] { 224, 448, 672, 896 });
		if (blockOutChannels.length != downBlockTypes.length || upBlockTypes.length != downBlockTypes.length) {
			throw new IllegalArgumentException(src + ": block_out_channels (" + blockOutChannels.length +
				"), down_block_types (" + downBlockTypes.length + ") and up_block_types (" + upBlockTypes.length +
				") must have the same length.");
		}
		Integer ted = c.getIntOrNull("time_embedding_dim");
		timeEmbedDim = ted != null ? ted : blockOutChannels[0] * 4;
		layersPerBlock = c.getInt("layers_per_block", 2);
		midBlockScaleFactor = c.getDouble("mid_block_scale_factor", 1);
		downsamplePadding = c.getInt("downsample_padding", 1);
		String down = c.getString("downsample_type", "conv");
		if (!down.equals("conv")) refuse(src, "downsample_type", down, "conv");
		String up = c.getString("upsample_type", "conv");
		if (!up.equals("conv")) refuse(src, "upsample_type", up, "conv");
		dropout = c.getDouble("dropout", 0);
		String act = c.getString("act_fn", "silu");
		if (!act.equals("silu") && !act.equals("swish")) refuse(src, "act_fn", act, "silu");
		attentionHeadDim = c.json().has("attention_head_dim") ? c.getIntOrNull("attention_head_dim") : Integer
			.valueOf(c.getInt("attention_head_dim", 8));
		Integer groups = c.json().has("norm_num_groups") ? c.getIntOrNull("norm_num_groups") : Integer.valueOf(c
			.getInt("norm_num_groups", 32));
		if (groups == null) refuse(src, "norm_num_groups", "null", "an integer");
		normNumGroups = groups;
		attnNormNumGroups = c.getIntOrNull("attn_norm_num_groups");
		normEps = c.getDouble("norm_eps", 1e-5);
		String shift = c.getString("resnet_time_scale_shift", "default");
		if (!shift.equals("default")) refuse(src, "resnet_time_scale_shift", shift, "default");
		addAttention = c.getBoolean("add_attention", true);
		String classEmbed = c.getString("class_embed_type", null);
		if (classEmbed != null) refuse(src, "class_embed_type", classEmbed, "null");
		Integer classes = c.getIntOrNull("num_class_embeds");
		if (classes != null) refuse(src, "num_class_embeds", classes.toString(), "null");
		// Only the "learned" time embedding uses num_train_timesteps; positional ignores it in diffusers too.
		c.accept("num_train_timesteps");
	}

	private static void refuse(String source, String key, String value, String supported) {
		throw new IllegalArgumentException(source + ": " + key + " = " + value + " is not supported by this " +
			"UNet2DModel (supported: " + supported + ").");
	}

	/** Attention head size at a block with {@code channels} channels (diffusers: the channels when null). */
	public int headDim(int channels) {
		return attentionHeadDim != null ? attentionHeadDim : channels;
	}
}
