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
 * diffusers' {@code UNet2DModel}, the unconditional denoiser of DDPM/DDIM pipelines, built from its
 * {@code config.json} with parameters named exactly as diffusers' safetensors keys. Built without values; then
 * either {@link #load} a checkpoint (shape-checked name match) or {@link #initialize} fresh weights for training.
 * The forward pass is the same function as diffusers' (verified against tensors diffusers produced) and is
 * differentiable, because every step is a libtorch op on DJL arrays.
 */
public final class UNet2DModel extends DiffusersModel {

	/** File name of the weights in a diffusers model folder. */
	public static final String WEIGHTS_NAME = "diffusion_pytorch_model.safetensors";

	private final UNet2DConfig config;
	private final Timesteps timeProj;
	private final TimestepEmbedding timeEmbedding;
	private final Conv2d convIn;
	private final List<UNetDownBlock> downBlocks = new ArrayList<>();
	private final UNetMidBlock2D midBlock;
	private final List<UNetUpBlock> upBlocks = new ArrayList<>();
	private final GroupNorm convNormOut;
	private final Conv2d convOut;

	/** Builds the network described by {@code config}; unsupported values fail with the key's name. */
	public UNet2DModel(ConfigJson configJson) {
		super(configJson);
		UNet2DConfig c = new UNet2DConfig(configJson);
		this.config = c;
		int[] boc = c.blockOutChannels;
		int temb = c.timeEmbedDim;
		int groups = c.normNumGroups;
		double eps = c.normEps;
		convIn = new Conv2d(store, "conv_in", c.inChannels, boc[0], 3, 1, 1);
		timeProj = new Timesteps(boc[0], c.flipSinToCos, c.freqShift);
		timeEmbedding = new TimestepEmbedding(store, "time_embedding", boc[0], temb);
		int out = boc[0];
		for (int i = 0; i < boc.length; i++) {
			int in = out;
			out = boc[i];
			boolean last = i == boc.length - 1;
			String name = "down_blocks." + i;
			downBlocks.add(c.downBlockTypes[i].equals("AttnDownBlock2D") ? new AttnDownBlock2D(store, name, in, out,
				temb, c.layersPerBlock, eps, groups, c.headDim(out), !last, c.downsamplePadding) : new DownBlock2D(
					store, name, in, out, temb, c.layersPerBlock, eps, groups, !last, c.downsamplePadding));
		}
		int deepest = boc[boc.length - 1];
		midBlock = c.hasMidBlock ? new UNetMidBlock2D(store, "mid_block", deepest, temb, eps, groups,
			c.attnNormNumGroups != null ? c.attnNormNumGroups : groups, c.addAttention, c.headDim(deepest),
			c.midBlockScaleFactor) : null;
		out = deepest;
		for (int i = 0; i < boc.length; i++) {
			int prevOut = out;
			out = boc[boc.length - 1 - i];
			int in = boc[Math.max(boc.length - 2 - i, 0)];
			boolean last = i == boc.length - 1;
			String name = "up_blocks." + i;
			upBlocks.add(c.upBlockTypes[i].equals("AttnUpBlock2D") ? new AttnUpBlock2D(store, name, in, prevOut, out,
				temb, c.layersPerBlock + 1, eps, groups, c.headDim(out), !last) : new UpBlock2D(store, name, in,
					prevOut, out, temb, c.layersPerBlock + 1, eps, groups, !last));
		}
		convNormOut = new GroupNorm(store, "conv_norm_out", groups, boc[0], eps);
		convOut = new Conv2d(store, "conv_out", boc[0], c.outChannels, 3, 1, 1);
	}

	/** Builds the model of a diffusers folder ({@code config.json} + safetensors weights) into {@code manager}. */
	public static UNet2DModel fromFolder(Path folder, NDManager manager) throws IOException {
		UNet2DModel model = new UNet2DModel(ConfigJson.load(folder.resolve("config.json")));
		model.load(Weights.read(folder.resolve(WEIGHTS_NAME), manager));
		return model;
	}

	public UNet2DConfig config() {
		return config;
	}

	/**
	 * The noise (or v, or sample) prediction for {@code sample} at {@code timesteps}. Intermediate tensors live
	 * in a sub-manager closed before returning; the result is attached to {@code sample}'s manager.
	 *
	 * @param sample (N, in_channels, H, W) float32, H and W divisible by 2^(blocks-1)
	 * @param timesteps a scalar or an (N) vector, integer or float; a scalar or length-1 vector is broadcast to
	 *          the batch as diffusers does
	 */
	public NDArray forward(NDArray sample, NDArray timesteps) {
		NDManager outer = sample.getManager();
		long batch = sample.getShape().get(0);
		TimestepBatch.check(timesteps, batch);
		try (NDManager scope = outer.newSubManager()) {
			DataType dtype = dtype();
			NDArray x = Ops.in(scope, sample.toType(dtype, true));
			NDArray steps = TimestepBatch.broadcast(timesteps, batch, scope);
			if (config.centerInputSample) x = x.mul(2).sub(1);
			NDArray emb = timeEmbedding.forward(timeProj.forward(steps).toType(dtype, false));
			NDArray h = convIn.forward(x);
			List<NDArray> states = new ArrayList<>();
			states.add(h);
			for (UNetDownBlock block : downBlocks) h = block.forward(h, emb, states);
			if (midBlock != null) h = midBlock.forward(h, emb);
			for (UNetUpBlock block : upBlocks) h = block.forward(h, states, emb);
			h = convOut.forward(Ops.silu(convNormOut.forward(h))).toType(DataType.FLOAT32, false);
			h.attach(outer);
			return h;
		}
	}
}
