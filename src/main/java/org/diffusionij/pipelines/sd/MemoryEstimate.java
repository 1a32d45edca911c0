package org.diffusionij.pipelines.sd;

import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.io.DiffusersComponent;
import org.diffusionij.io.safetensors.TensorInfo;

/**
 * What a Stable Diffusion run needs in memory, estimated before anything is loaded so a run that cannot fit is
 * refused at once instead of failing (or swapping) minutes later. The weights are counted from the
 * safetensors headers (in the type they are computed in, whatever the file's type); the activations from the
 * latent size (in the same type):
 * the UNet's full-resolution feature maps (skips, attention projections, the GEGLU feed-forward; attention
 * scores are computed in bounded slices) and the VAE decoder's full-resolution maps. The factors are rounded
 * up from the peak RSS of the benchmark ({@code StableDiffusionBenchmark}).
 */
public final class MemoryEstimate {

	/** Bytes of the engine itself (libtorch, JVM) beside the model. */
	static final long BASE = 600L << 20;
	/** Bytes a GPU needs beside the model (CUDA context, cuDNN workspaces). */
	static final long GPU_BASE = 1L << 30;
	/**
	 * Full-resolution UNet maps alive at once, in units of block_out_channels[0] per latent pixel per image
	 * (measured: about 52 for an SD-1.5-sized UNet at 512×512, batch 2).
	 */
	static final int UNET_MAPS = 64;
	/**
	 * Full-resolution VAE decoder maps alive at once, in units of block_out_channels[0] per pixel per image
	 * (measured: about 22 for SD 1.5's VAE decoding 512×512).
	 */
	static final int VAE_MAPS = 24;

	private final long weightBytes;
	private final int unetChannels;
	private final int vaeChannels;
	private final int downscale;
	private final int valueBytes;
	private final long base;

	MemoryEstimate(long weightBytes, int unetChannels, int vaeChannels, int downscale) {
		this(weightBytes, unetChannels, vaeChannels, downscale, Float.BYTES, BASE);
	}

	private MemoryEstimate(long weightBytes, int unetChannels, int vaeChannels, int downscale, int valueBytes,
		long base)
	{
		this.valueBytes = valueBytes;
		this.base = base;
		this.weightBytes = weightBytes;
		this.unetChannels = unetChannels;
		this.vaeChannels = vaeChannels;
		this.downscale = downscale;
	}

	/** Reads the weight headers and configs of {@code folder}'s text encoder, UNet and VAE, for float32. */
	public static MemoryEstimate of(Path folder) throws IOException {
		return of(folder, DataType.FLOAT32);
	}

	/** As {@link #of(Path)}, for weights and activations in {@code dtype} (float32 or float16). */
	public static MemoryEstimate of(Path folder, DataType dtype) throws IOException {
		long params = 0;
		for (String part : new String[] { "text_encoder", "unet", "vae" }) {
			// a missing part is left to StableDiffusionModel.load, which says what to do
			if (!Files.isDirectory(folder.resolve(part))) continue;
			for (TensorInfo t : DiffusersComponent.open(folder.resolve(part)).weights().tensors().values()) {
				params += t.elementCount();
			}
		}
		int[] unet = blockOutChannels(folder.resolve("unet/config.json"));
		int[] vae = blockOutChannels(folder.resolve("vae/config.json"));
		int bytes = dtype.getNumOfBytes();
		return new MemoryEstimate(params * bytes, unet[0], vae[0], 1 << (vae.length - 1), bytes, BASE);
	}

	/** The config's block_out_channels, or diffusers' default (64) where the file or key is absent. */
	private static int[] blockOutChannels(Path config) throws IOException {
		if (!Files.isRegularFile(config)) return new int[] { 64 };
		return ConfigJson.load(config).getInts("block_out_channels", new int[] { 64 });
	}

	/**
	 * The same model on a GPU: the CUDA context and cuDNN workspaces take about 1 GiB, and activations are
	 * counted in float32 whatever the precision (the float16 path computes attention in float32). Measured peaks
	 * on an H100 for SD 1.5's size at 512×512 (docs/gpu.md): 6,865 MiB in fp32, 4,893 MiB in fp16; this estimates
	 * 7.7 and 5.9 GiB.
	 */
	public MemoryEstimate onGpu() {
		return new MemoryEstimate(weightBytes, unetChannels, vaeChannels, downscale, Float.BYTES, GPU_BASE);
	}

	/** Bytes of the weights in the estimate's type. */
	public long weightBytes() {
		return weightBytes;
	}

	/** Estimated peak bytes of a run of {@code count} images of width×height (batch doubled when guided). */
	public long need(int width, int height, int count, boolean guided) {
		long latentPixels = (long) (width / downscale) * (height / downscale);
		long unet = (guided ? 2L : 1L) * count * latentPixels * unetChannels * UNET_MAPS * valueBytes;
		long vae = (long) count * width * height * vaeChannels * VAE_MAPS * valueBytes;
		return base + weightBytes + Math.max(unet, vae);
	}

	/**
	 * Null when the run fits in {@code available} bytes, else a message with the estimate and the largest size
	 * of the same aspect ratio (multiples of 8, one image) that fits, or that no size fits.
	 */
	public String refusal(int width, int height, int count, boolean guided, long available) {
		long need = need(width, height, count, guided);
		if (need <= available) return null;
		String head = String.format(Locale.ROOT, "Not enough memory: %d×%d × %d image(s) needs about %s (weights %s), " +
			"but only %s is free.", width, height, count, mib(need), mib(weightBytes), mib(available));
		for (int w = width; w >= 8; w -= 8) {
			int h = (int) Math.round((double) height * w / width / 8) * 8;
			if (h >= 8 && need(w, h, 1, guided) <= available) {
				return head + " The largest size that fits is about " + w + "×" + h + " with count=1; or close " +
					"other programs.";
			}
		}
		return head + " Even the weights do not fit: close other programs or use a machine with more memory.";
	}

	private static String mib(long bytes) {
		return String.format(Locale.ROOT, "%,d MiB", bytes >> 20);
	}
}
