package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import org.diffusionij.io.ConfigJson;

/**
 * diffusers' {@code AutoencoderKL}, Stable Diffusion's VAE: {@link #encode} maps an image in [-1, 1] to a latent
 * distribution ({@code encoder}, {@code quant_conv}), {@link #decode} maps latents back to an image
 * ({@code post_quant_conv}, {@code decoder}). As in diffusers, neither applies {@code scaling_factor}: the pipeline
 * multiplies encoded latents by it and divides latents by it before decoding. Parameters are named exactly as
 * diffusers' safetensors keys.
 */
public final class AutoencoderKL extends DiffusersModel {

	private final AutoencoderKLConfig config;
	private final Encoder encoder;
	private final Conv2d quantConv;
	private final Conv2d postQuantConv;
	private final Decoder decoder;

	/** Builds the network described by {@code configJson}; unsupported values fail with the key's name. */
	public AutoencoderKL(ConfigJson configJson) {
		super(configJson);
		AutoencoderKLConfig c = new AutoencoderKLConfig(configJson);
		this.config = c;
		int latent = c.latentChannels;
		encoder = new Encoder(store, "encoder", c);
		decoder = new Decoder(store, "decoder", c);
		quantConv = c.useQuantConv ? new Conv2d(store, "quant_conv", 2 * latent, 2 * latent, 1, 1, 0) : null;
		postQuantConv = c.usePostQuantConv ? new Conv2d(store, "post_quant_conv", latent, latent, 1, 1, 0) : null;
	}

	/** Builds the model of a diffusers folder ({@code config.json} + safetensors weights) into {@code manager}. */
	public static AutoencoderKL fromFolder(Path folder, NDManager manager) throws IOException {
		AutoencoderKL model = new AutoencoderKL(ConfigJson.load(folder.resolve("config.json")));
		model.load(Weights.read(folder.resolve(UNet2DModel.WEIGHTS_NAME), manager));
		return model;
	}

	public AutoencoderKLConfig config() {
		return config;
	}

	/** diffusers' {@code scaling_factor}: latents = scaling_factor · encoded latents. */
	public double scalingFactor() {
		return config.scalingFactor;
	}

	/** Spatial reduction of the latents: 2^(blocks-1), 8 for Stable Diffusion. */
	public int downscaleFactor() {
		return 1 << (config.blockOutChannels.length - 1);
	}

	/**
	 * The latent distribution of {@code image} (diffusers' {@code encode(x).latent_dist}); its arrays are attached
	 * to {@code image}'s manager.
	 *
	 * @param image (N, in_channels, H, W) in [-1, 1], H and W divisible by {@link #downscaleFactor()}
	 */
	public DiagonalGaussianDistribution encode(NDArray image) {
		checkSize(image, "image");
		NDManager outer = image.getManager();
		try (NDManager scope = outer.newSubManager()) {
			NDArray moments = encoder.forward(Ops.in(scope, image.toType(dtype(), true)));
			if (quantConv != null) moments = quantConv.forward(moments);
			moments = moments.toType(DataType.FLOAT32, false);
			DiagonalGaussianDistribution d = new DiagonalGaussianDistribution(moments);
			d.mean().attach(outer);
			d.logvar().attach(outer);
			return d;
		}
	}

	/**
	 * The image of {@code latents} (diffusers' {@code decode(z).sample}), roughly in [-1, 1], attached to
	 * {@code latents}' manager. The latents are used as given: divide by {@link #scalingFactor()} first.
	 *
	 * @param latents (N, latent_channels, h, w)
	 */
	public NDArray decode(NDArray latents) {
		NDManager outer = latents.getManager();
		try (NDManager scope = outer.newSubManager()) {
			NDArray z = Ops.in(scope, latents.toType(dtype(), true));
			if (postQuantConv != null) z = postQuantConv.forward(z);
			NDArray image = decoder.forward(z).toType(DataType.FLOAT32, false);
			image.attach(outer);
			return image;
		}
	}

	private void checkSize(NDArray x, String what) {
		int f = downscaleFactor();
		long h = x.getShape().get(2);
		long w = x.getShape().get(3);
		if (h % f != 0 || w % f != 0) {
			throw new IllegalArgumentException("The " + what + " size " + w + "×" + h + " must be divisible by " + f +
				" for this VAE.");
		}
	}
}
