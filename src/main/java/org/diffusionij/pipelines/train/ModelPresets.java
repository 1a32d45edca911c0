package org.diffusionij.pipelines.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.Locale;

/**
 * UNet2DModel configurations for training from scratch, written with every key diffusers' {@code
 * UNet2DModel.save_config} writes, so the saved {@code unet/config.json} looks as if diffusers had made it.
 * <ul>
 * <li><b>small</b> (3.5 M parameters for one channel): 32/64/128 channels, 2 layers per block, convolutions only —
 * the fastest to train on a laptop CPU;</li>
 * <li><b>medium</b> (18.2 M): 64/128/128/256, attention at the lowest resolution;</li>
 * <li><b>large</b> (26.6 M): 64/128/256/256 with attention at the two lowest resolutions, the size of
 * diffusers' 64×64 examples — for a GPU.</li>
 * </ul>
 */
public final class ModelPresets {

	public static final String[] NAMES = { "small", "medium", "large" };

	private ModelPresets() {}

	/** One line per preset, for the dialog. */
	public static String describe(String preset) {
		switch (preset.toLowerCase(Locale.ROOT)) {
			case "small":
				return "small: channels 32/64/128, no attention (fast on CPU)";
			case "medium":
				return "medium: channels 64/128/128/256, attention at 1/8 resolution";
			case "large":
				return "large: channels 64/128/256/256, attention at 1/4 and 1/8 (GPU)";
			default:
				throw unknown(preset);
		}
	}

	/** The {@code config.json} of a fresh UNet2DModel for images of {@code channels} channels. */
	public static JsonObject unetConfig(String preset, int channels, int sampleSize) {
		switch (preset.toLowerCase(Locale.ROOT)) {
			case "small":
				return config(channels, sampleSize, new int[] { 32, 64, 128 }, new String[] { "DownBlock2D",
					"DownBlock2D", "DownBlock2D" }, new String[] { "UpBlock2D", "UpBlock2D", "UpBlock2D" }, 8, false);
			case "medium":
				return config(channels, sampleSize, new int[] { 64, 128, 128, 256 }, new String[] { "DownBlock2D",
					"DownBlock2D", "DownBlock2D", "AttnDownBlock2D" }, new String[] { "AttnUpBlock2D", "UpBlock2D",
						"UpBlock2D", "UpBlock2D" }, 32, true);
			case "large":
				return config(channels, sampleSize, new int[] { 64, 128, 256, 256 }, new String[] { "DownBlock2D",
					"DownBlock2D", "AttnDownBlock2D", "AttnDownBlock2D" }, new String[] { "AttnUpBlock2D",
						"AttnUpBlock2D", "UpBlock2D", "UpBlock2D" }, 32, true);
			default:
				throw unknown(preset);
		}
	}

	private static IllegalArgumentException unknown(String preset) {
		return new IllegalArgumentException("Unknown preset '" + preset + "'; use small, medium or large.");
	}

	private static JsonObject config(int channels, int sampleSize, int[] blocks, String[] down, String[] up,
		int groups, boolean attention)
	{
		JsonObject c = new JsonObject();
		c.addProperty("_class_name", "UNet2DModel");
		c.addProperty("act_fn", "silu");
		c.addProperty("add_attention", attention);
		c.addProperty("attention_head_dim", 8);
		c.add("attn_norm_num_groups", JsonNull.INSTANCE);
		c.add("block_out_channels", ints(blocks));
		c.addProperty("center_input_sample", false);
		c.add("class_embed_type", JsonNull.INSTANCE);
		c.add("down_block_types", strings(down));
		c.addProperty("downsample_padding", 1);
		c.addProperty("downsample_type", "conv");
		c.addProperty("dropout", 0.0);
		c.addProperty("flip_sin_to_cos", true);
		c.addProperty("freq_shift", 0);
		c.addProperty("in_channels", channels);
		c.addProperty("layers_per_block", 2);
		c.addProperty("mid_block_scale_factor", 1);
		c.addProperty("mid_block_type", "UNetMidBlock2D");
		c.addProperty("norm_eps", 1e-05);
		c.addProperty("norm_num_groups", groups);
		c.add("num_class_embeds", JsonNull.INSTANCE);
		c.add("num_train_timesteps", JsonNull.INSTANCE);
		c.addProperty("out_channels", channels);
		c.addProperty("resnet_time_scale_shift", "default");
		c.addProperty("sample_size", sampleSize);
		c.add("time_embedding_dim", JsonNull.INSTANCE);
		c.addProperty("time_embedding_type", "positional");
		c.add("up_block_types", strings(up));
		c.addProperty("upsample_type", "conv");
		return c;
	}

	/** diffusers' default DDPMScheduler config (linear betas 1e-4..0.02 over 1000 steps). */
	public static JsonObject ddpmSchedulerConfig(String predictionType) {
		JsonObject c = new JsonObject();
		c.addProperty("_class_name", "DDPMScheduler");
		c.addProperty("beta_end", 0.02);
		c.addProperty("beta_schedule", "linear");
		c.addProperty("beta_start", 0.0001);
		c.addProperty("clip_sample", true);
		c.addProperty("clip_sample_range", 1.0);
		c.addProperty("dynamic_thresholding_ratio", 0.995);
		c.addProperty("num_train_timesteps", 1000);
		c.addProperty("prediction_type", predictionType);
		c.addProperty("rescale_betas_zero_snr", false);
		c.addProperty("sample_max_value", 1.0);
		c.addProperty("steps_offset", 0);
		c.addProperty("thresholding", false);
		c.addProperty("timestep_spacing", "leading");
		c.add("trained_betas", JsonNull.INSTANCE);
		c.addProperty("variance_type", "fixed_small");
		return c;
	}

	private static JsonArray ints(int[] v) {
		JsonArray a = new JsonArray();
		for (int i : v) a.add(i);
		return a;
	}

	private static JsonArray strings(String[] v) {
		JsonArray a = new JsonArray();
		for (String s : v) a.add(s);
		return a;
	}
}
