package org.diffusionij.pipelines;

import java.util.Locale;

/**
 * What one Denoise Image run does. The defaults are the ones the command offers: Gaussian noise of a level
 * estimated per plane, the one-step {@link Mode#MEAN mean} estimate, tiles of {@value #DEFAULT_TILE} pixels.
 */
public final class DenoiseSettings {

	/**
	 * The default tile side, the fastest on CPUs whatever the process's malloc arenas. Tiles overlap by
	 * {@link Denoiser#OVERLAP} pixels and are padded to full size, so small tiles recompute part of the image;
	 * large tiles cost page faults where a thread has its own arena, whose big blocks glibc hands back to the
	 * kernel and faults in again at every tile. Measured with the bundled model on 2 CPU cores over the
	 * evaluation images at σ = 25: with the thread's own arena 16.6 s per megapixel with 128 (30.37 dB) and 46
	 * with 512 (30.29 dB; 10x the page faults); with one arena ({@code MALLOC_ARENA_MAX=1}) 512 took 16.7 s,
	 * no faster. On a GPU larger tiles are faster (512, as the README says).
	 */
	public static final int DEFAULT_TILE = 128;

	/** The noise model. */
	public enum Noise {
		/** Additive Gaussian noise of standard deviation {@link #sigma} in the image's units. */
		GAUSSIAN("gaussian"),
		/** Poisson photon noise scaled by {@link #gain} plus Gaussian read noise, see {@link GeneralizedAnscombe}. */
		POISSON_GAUSSIAN("poisson-gaussian");

		public final String key;

		Noise(String key) {
			this.key = key;
		}
	}

	/** How the clean image is estimated. */
	public enum Mode {
		/** The network's one-step estimate of the clean image (the posterior mean): highest PSNR. */
		MEAN("mean"),
		/** The reverse process from the matched timestep, averaged over {@link #samples} runs: sharper texture. */
		SAMPLE("sample");

		public final String key;

		Mode(String key) {
			this.key = key;
		}
	}

	/** The reverse step of {@link Mode#SAMPLE}. */
	public enum Sampler {
		/** Stochastic DDPM posterior steps (fresh noise each step, so each sample differs). */
		DDPM("ddpm"),
		/** Deterministic DDIM steps with eta 0 (every sample is the same, so one is run). */
		DDIM("ddim");

		public final String key;

		Sampler(String key) {
			this.key = key;
		}
	}

	/** How a one-channel model treats images with several channels (RGB, multichannel). */
	public enum Channels {
		/** Each channel denoised on its own. */
		PER_CHANNEL("per-channel"),
		/** The luminance denoised once and its change added to every channel (keeps the colours). */
		LUMINANCE("luminance");

		public final String key;

		Channels(String key) {
			this.key = key;
		}
	}

	public Noise noise = Noise.GAUSSIAN;
	/** Noise standard deviation in the image's units (Poisson–Gaussian: of the read noise); null = estimate. */
	public Double sigma;
	/** Poisson–Gaussian: intensity units per photon. */
	public double gain = 1;
	/** Poisson–Gaussian: the camera's baseline in intensity units. */
	public double offset = 0;
	public Mode mode = Mode.MEAN;
	public Sampler sampler = Sampler.DDPM;
	/** Reverse steps of {@link Mode#SAMPLE}. */
	public int steps = 10;
	/** Runs averaged in {@link Mode#SAMPLE}. */
	public int samples = 1;
	public long seed = 0;
	public int tile = DEFAULT_TILE;
	public Channels channels = Channels.PER_CHANNEL;
	/**
	 * {@code mean} mode computes the {@link Noisier2Noise} estimate instead of the one-step x̂₀: for models trained
	 * by DDPM's loss on noisy images (their {@link NoiseRecord} says so). Draws are seeded with {@link #seed}.
	 */
	public boolean noisier2noise;

	/** Refuses values that cannot work, with a message naming the setting. */
	public void check() {
		if (sigma != null && !(sigma >= 0 && Double.isFinite(sigma))) {
			throw new IllegalArgumentException("sigma must be a number of 0 or more, or auto; got " + sigma + ".");
		}
		if (noise == Noise.POISSON_GAUSSIAN && !(gain > 0)) {
			throw new IllegalArgumentException("gain must be greater than 0 for poisson-gaussian noise; got " + gain + ".");
		}
		if (steps < 1) throw new IllegalArgumentException("steps must be at least 1; got " + steps + ".");
		if (samples < 1) throw new IllegalArgumentException("samples must be at least 1; got " + samples + ".");
		if (tile < 16) throw new IllegalArgumentException("tile must be at least 16 pixels; got " + tile + ".");
	}

	/** The settings as one line of {@code key=value} pairs, as the macro keys name them. */
	@Override
	public String toString() {
		StringBuilder s = new StringBuilder();
		s.append("noise=").append(noise.key);
		s.append(" sigma=").append(sigma == null ? "auto" : format(sigma));
		if (noise == Noise.POISSON_GAUSSIAN) {
			s.append(" gain=").append(format(gain)).append(" offset=").append(format(offset));
		}
		s.append(" mode=").append(mode.key);
		if (noisier2noise) s.append(" (noisier2noise estimate)");
		if (mode == Mode.SAMPLE) {
			s.append(" sampler=").append(sampler.key).append(" steps=").append(steps).append(" samples=").append(samples)
				.append(" seed=").append(seed);
		}
		s.append(" tile=").append(tile).append(" channels=").append(channels.key);
		return s.toString();
	}

	private static String format(double v) {
		return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.6g", v);
	}
}
