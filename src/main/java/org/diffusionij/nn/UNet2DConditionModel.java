package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.diffusionij.io.ConfigJson;

/**
 * diffusers' {@code UNet2DConditionModel}, the text-conditioned denoiser of Stable Diffusion 1.x/2.x, built from
 * its {@code config.json} with parameters named exactly as diffusers' safetensors keys. Same life cycle as
 * {@link UNet2DModel}: build, then {@link #load} a checkpoint or {@link #initialize} fresh weights. The forward
 * pass is diffusers' function (verified against tensors diffusers produced) on libtorch ops.
 */
public final class UNet2DConditionModel extends DiffusersModel {

	private final UNet2DConditionConfig config;
	private final Timesteps timeProj;
	private final TimestepEmbedding timeEmbedding;
	private final Conv2d convIn;
	private final List<UNetConditionDownBlock> downBlocks = new ArrayList<>();
	private final UNetMidBlock2DCrossAttn midBlock;
	private final List<UNetConditionUpBlock> upBlocks = new ArrayList<>();
	private final GroupNorm convNormOut;
	private final Conv2d convOut;

	/** Builds the network described by {@code configJson}; unsupported values fail with the key's name. */
	public UNet2DConditionModel(ConfigJson configJson) {
		super(configJson);
		UNet2DConditionConfig c = new UNet2DConditionConfig(configJson);
		this.config = c;
		int[] boc = c.blockOutChannels;
		int nb = boc.length;
		int temb = c.timeEmbedDim;
		int groups = c.normNumGroups;
		double eps = c.normEps;
		convIn = new Conv2d(store, "conv_in", c.inChannels, boc[0], c.convInKernel, 1, (c.convInKernel - 1) / 2);
		timeProj = new Timesteps(boc[0], c.flipSinToCos, c.freqShift);
		timeEmbedding = new TimestepEmbedding(store, "time_embedding", boc[0], temb);
		int out = boc[0];
		for (int i = 0; i < nb; i++) {
			int in = out;
			out = boc[i];
			boolean last = i == nb - 1;
			String name = "down_blocks." + i;
			downBlocks.add(c.downBlockTypes[i].equals(UNet2DConditionConfig.CROSS_ATTN_DOWN) ? new CrossAttnDownBlock2D(
				store, name, in, out, temb, c.layersPerBlock[i], eps, groups, transformer(i), !last,
				c.downsamplePadding) : UNetConditionDownBlock.of(new DownBlock2D(store, name, in, out, temb,
					c.layersPerBlock[i], eps, groups, !last, c.downsamplePadding)));
		}
		midBlock = c.midBlockType == null ? null : new UNetMidBlock2DCrossAttn(store, "mid_block", boc[nb - 1], temb,
			eps, groups, transformer(nb - 1), c.midBlockScaleFactor);
		out = boc[nb - 1];
		for (int i = 0; i < nb; i++) {
			int prevOut = out;
			int block = nb - 1 - i;
			out = boc[block];
			int in = boc[Math.max(block - 1, 0)];
			boolean last = i == nb - 1;
			String name = "up_blocks." + i;
			int layers = c.layersPerBlock[block] + 1;
			upBlocks.add(c.upBlockTypes[i].equals(UNet2DConditionConfig.CROSS_ATTN_UP) ? new CrossAttnUpBlock2D(store,
				name, in, prevOut, out, temb, layers, eps, groups, transformer(block), !last) : UNetConditionUpBlock.of(
					new UpBlock2D(store, name, in, prevOut, out, temb, layers, eps, groups, !last)));
		}
		convNormOut = new GroupNorm(store, "conv_norm_out", groups, boc[0], eps);
		convOut = new Conv2d(store, "conv_out", boc[0], c.outChannels, c.convOutKernel, 1, (c.convOutKernel - 1) /
			2);
	}

	/** The transformer settings of down block {@code i} (up blocks use their mirror's, as diffusers does). */
	private Transformer2DSettings transformer(int i) {
		return new Transformer2DSettings(config.attentionHeads[i], config.transformerLayersPerBlock[i],
			config.crossAttentionDim[i], config.normNumGroups, config.useLinearProjection);
	}

	/** Builds the model of a diffusers folder ({@code config.json} + safetensors weights) into {@code manager}. */
	public static UNet2DConditionModel fromFolder(Path folder, NDManager manager) throws IOException {
		UNet2DConditionModel model = new UNet2DConditionModel(ConfigJson.load(folder.resolve("config.json")));
		model.load(Weights.read(folder.resolve(UNet2DModel.WEIGHTS_NAME), manager));
		return model;
	}

	public UNet2DConditionConfig config() {
		return config;
	}

	/**
	 * The noise (or v) prediction for {@code sample} at {@code timesteps}, conditioned on
	 * {@code encoderHiddenStates}. Intermediate tensors live in a sub-manager closed before returning; the result
	 * is attached to {@code sample}'s manager.
	 *
	 * @param sample (N, in_channels, H, W) latents of any size (up blocks upsample to their skip connections' size,
	 *          as diffusers does when H or W is not divisible by 2^(blocks-1))
	 * @param timesteps a scalar or an (N) vector, integer or float
	 * @param encoderHiddenStates (N, S, cross_attention_dim), the text encoder's last hidden state
	 */
	public NDArray forward(NDArray sample, NDArray timesteps, NDArray encoderHiddenStates) {
		NDManager outer = sample.getManager();
		long batch = sample.getShape().get(0);
		TimestepBatch.check(timesteps, batch);
		checkShapes(sample, encoderHiddenStates);
		try (NDManager scope = outer.newSubManager()) {
			DataType dtype = dtype();
			NDArray x = Ops.in(scope, sample.toType(dtype, true));
			NDArray context = Ops.in(scope, encoderHiddenStates.toType(dtype, true));
			if (config.centerInputSample) x = x.mul(2).sub(1);
			NDArray emb = timeEmbedding.forward(timeProj.forward(TimestepBatch.broadcast(timesteps, batch, scope))
				.toType(dtype, false));
			NDArray h = convIn.forward(x);
			List<NDArray> states = new ArrayList<>();
			states.add(h);
			for (UNetConditionDownBlock block : downBlocks) h = block.forward(h, emb, context, states);
			if (midBlock != null) h = midBlock.forward(h, emb, context);
			for (UNetConditionUpBlock block : upBlocks) h = block.forward(h, states, emb, context);
			h = convOut.forward(Ops.silu(convNormOut.forward(h))).toType(DataType.FLOAT32, false);
			h.attach(outer);
			return h;
		}
	}

	private void checkShapes(NDArray sample, NDArray context) {
		long[] s = context.getShape().getShape();
		int dim = config.crossAttentionDim[0];
		if (s.length != 3 || s[0] != sample.getShape().get(0) || s[2] != dim) {
			throw new IllegalArgumentException("encoder_hidden_states must be (" + sample.getShape().get(0) +
				", tokens, " + dim + "), not " + context.getShape() + ".");
		}
	}
}
