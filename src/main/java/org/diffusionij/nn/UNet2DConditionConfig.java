package org.diffusionij.nn;

import com.google.gson.JsonElement;
import java.util.Arrays;
import org.diffusionij.io.ConfigJson;

/**
 * The settings of a diffusers {@code UNet2DConditionModel} {@code config.json} (Stable Diffusion 1.x/2.x), with
 * diffusers' defaults and its per-block broadcasting of int-or-list keys. As in diffusers,
 * {@code attention_head_dim} is the number of attention <em>heads</em> per block (a historical misnomer), and
 * {@code num_attention_heads} must be null. Values that would make a different network (class or addition
 * embeddings, dual or gated attention, other block types) are refused naming the key; keys that only matter for
 * those refused features, or for half precision ({@code upcast_attention}), are accepted.
 */
public final class UNet2DConditionConfig {

	public static final String CROSS_ATTN_DOWN = "CrossAttnDownBlock2D";
	public static final String CROSS_ATTN_UP = "CrossAttnUpBlock2D";
	public static final String MID_CROSS_ATTN = "UNetMidBlock2DCrossAttn";

	public final int sampleSize;
	public final int inChannels;
	public final int outChannels;
	public final boolean centerInputSample;
	public final boolean flipSinToCos;
	public final double freqShift;
	public final String[] downBlockTypes;
	public final String[] upBlockTypes;
	/** The mid block type, or null for a UNet without mid block. */
	public final String midBlockType;
	public final int[] blockOutChannels;
	public final int[] layersPerBlock;
	public final int downsamplePadding;
	public final double midBlockScaleFactor;
	public final int normNumGroups;
	public final double normEps;
	public final int[] crossAttentionDim;
	public final int[] transformerLayersPerBlock;
	/** Attention heads per down block (diffusers' {@code attention_head_dim} in this class). */
	public final int[] attentionHeads;
	public final boolean useLinearProjection;
	public final boolean upcastAttention;
	public final int timeEmbedDim;
	public final int convInKernel;
	public final int convOutKernel;

	public UNet2DConditionConfig(ConfigJson c) {
		String src = c.source();
		int[] size = c.getInts("sample_size", null);
		sampleSize = size == null ? 0 : size[0];
		inChannels = c.getInt("in_channels", 4);
		outChannels = c.getInt("out_channels", 4);
		centerInputSample = c.getBoolean("center_input_sample", false);
		flipSinToCos = c.getBoolean("flip_sin_to_cos", true);
		freqShift = c.getDouble("freq_shift", 0);
		downBlockTypes = c.getStrings("down_block_types", new String[] { CROSS_ATTN_DOWN, CROSS_ATTN_DOWN,
			CROSS_ATTN_DOWN, "DownBlock2D" });
		upBlockTypes = c.getStrings("up_block_types", new String[] { "UpBlock2D", CROSS_ATTN_UP, CROSS_ATTN_UP,
			CROSS_ATTN_UP });
		for (String t : downBlockTypes) {
			if (!t.equals("DownBlock2D") && !t.equals(CROSS_ATTN_DOWN)) {
				refuse(src, "down_block_types", t, "DownBlock2D, " + CROSS_ATTN_DOWN);
			}
		}
		for (String t : upBlockTypes) {
			if (!t.equals("UpBlock2D") && !t.equals(CROSS_ATTN_UP)) {
				refuse(src, "up_block_types", t, "UpBlock2D, " + CROSS_ATTN_UP);
			}
		}
		midBlockType = c.getString("mid_block_type", c.json().has("mid_block_type") ? null : MID_CROSS_ATTN);
		if (midBlockType != null && !midBlockType.equals(MID_CROSS_ATTN)) {
			refuse(src, "mid_block_type", midBlockType, MID_CROSS_ATTN + " or null");
		}
		blockOutChannels = c.getInts("block_out_channels", new int[] { 320, 640, 1280, 1280 });
		int n = blockOutChannels.length;
		if (downBlockTypes.length != n || upBlockTypes.length != n) {
			throw new IllegalArgumentException(src + ": block_out_channels (" + n + "), down_block_types (" +
				downBlockTypes.length + ") and up_block_types (" + upBlockTypes.length +
				") must have the same length.");
		}
		layersPerBlock = perBlock(c, "layers_per_block", 2, n);
		downsamplePadding = c.getInt("downsample_padding", 1);
		midBlockScaleFactor = c.getDouble("mid_block_scale_factor", 1);
		c.getDouble("dropout", 0);
		String act = c.getString("act_fn", "silu");
		if (!act.equals("silu") && !act.equals("swish")) refuse(src, "act_fn", act, "silu");
		Integer groups = c.json().has("norm_num_groups") ? c.getIntOrNull("norm_num_groups") : Integer.valueOf(c
			.getInt("norm_num_groups", 32));
		if (groups == null) refuse(src, "norm_num_groups", "null", "an integer");
		normNumGroups = groups;
		normEps = c.getDouble("norm_eps", 1e-5);
		crossAttentionDim = perBlock(c, "cross_attention_dim", 1280, n);
		transformerLayersPerBlock = perBlock(c, "transformer_layers_per_block", 1, n);
		attentionHeads = perBlock(c, "attention_head_dim", 8, n);
		useLinearProjection = c.getBoolean("use_linear_projection", false);
		upcastAttention = c.getBoolean("upcast_attention", false);
		Integer ted = c.getIntOrNull("time_embedding_dim");
		timeEmbedDim = ted != null ? ted : blockOutChannels[0] * 4;
		convInKernel = oddKernel(c, "conv_in_kernel");
		convOutKernel = oddKernel(c, "conv_out_kernel");
		refuseUnlessNull(c, "num_attention_heads", "diffusers itself refuses it; give the heads as " +
			"attention_head_dim");
		refuseUnlessNull(c, "reverse_transformer_layers_per_block", "null");
		refuseUnlessNull(c, "encoder_hid_dim", "null");
		refuseUnlessNull(c, "encoder_hid_dim_type", "null");
		refuseUnlessNull(c, "class_embed_type", "null");
		refuseUnlessNull(c, "num_class_embeds", "null");
		refuseUnlessNull(c, "addition_embed_type", "null");
		refuseUnlessNull(c, "time_embedding_act_fn", "null");
		refuseUnlessNull(c, "timestep_post_act", "null");
		refuseUnlessNull(c, "time_cond_proj_dim", "null");
		refuseUnless(c, "only_cross_attention", false);
		refuseUnless(c, "dual_cross_attention", false);
		refuseUnless(c, "class_embeddings_concat", false);
		String tet = c.getString("time_embedding_type", "positional");
		if (!tet.equals("positional")) refuse(src, "time_embedding_type", tet, "positional");
		String shift = c.getString("resnet_time_scale_shift", "default");
		if (!shift.equals("default")) refuse(src, "resnet_time_scale_shift", shift, "default");
		String attentionType = c.getString("attention_type", "default");
		if (!attentionType.equals("default")) refuse(src, "attention_type", attentionType, "default");
		// Used only by class/addition embeddings (refused above) or by block types this class refuses, so with the
		// supported settings diffusers ignores them as well.
		c.accept("addition_time_embed_dim", "addition_embed_type_num_heads", "projection_class_embeddings_input_dim",
			"mid_block_only_cross_attention", "cross_attention_norm", "resnet_skip_time_act",
			"resnet_out_scale_factor");
	}

	/** An int-or-list key as one value per block (diffusers repeats a single int for every block). */
	private static int[] perBlock(ConfigJson c, String key, int dflt, int blocks) {
		JsonElement e = c.json().get(key);
		if (e != null && e.isJsonArray()) {
			for (JsonElement item : e.getAsJsonArray()) {
				if (!item.isJsonPrimitive()) refuse(c.source(), key, e.toString(), "an integer or a list of integers");
			}
		}
		int[] v = c.getInts(key, new int[] { dflt });
		if (e != null && e.isJsonArray() && v.length != blocks) {
			throw new IllegalArgumentException(c.source() + ": " + key + " has " + v.length + " entries but there are " +
				blocks + " blocks.");
		}
		if (v.length == blocks) return v;
		int[] out = new int[blocks];
		Arrays.fill(out, v[0]);
		return out;
	}

	private static int oddKernel(ConfigJson c, String key) {
		int k = c.getInt(key, 3);
		if (k < 1 || k % 2 == 0) refuse(c.source(), key, Integer.toString(k), "an odd kernel size");
		return k;
	}

	private static void refuseUnlessNull(ConfigJson c, String key, String supported) {
		c.accept(key);
		if (c.has(key)) refuse(c.source(), key, c.json().get(key).toString(), supported);
	}

	/** Refuses a boolean (or list of booleans) key holding anything but {@code allowed}. */
	private static void refuseUnless(ConfigJson c, String key, boolean allowed) {
		c.accept(key);
		if (!c.has(key)) return;
		JsonElement e = c.json().get(key);
		Iterable<JsonElement> values = e.isJsonArray() ? e.getAsJsonArray() : java.util.Collections.singletonList(e);
		for (JsonElement v : values) {
			if (!v.isJsonPrimitive() || v.getAsBoolean() != allowed) {
				refuse(c.source(), key, e.toString(), Boolean.toString(allowed));
			}
		}
	}

	private static void refuse(String source, String key, String value, String supported) {
		throw new IllegalArgumentException(source + ": " + key + " = " + value + " is not supported by this " +
			"UNet2DConditionModel (supported: " + supported + ").");
	}
}
