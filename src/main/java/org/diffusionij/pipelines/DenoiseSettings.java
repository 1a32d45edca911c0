package org.diffusionij.pipelines;

import java.util.Locale;

/**
 * What one Denoise Image run does. The defaults are the ones the command offers: Gaussian noise of a level
 * estimated per plane, the one-step {@link Mode#MEAN mean} estimate, tiles chosen by {@link TileChoice}.
 */
public final class DenoiseSettings {

	/**
	 * The default tile, {@code auto}: chosen by {@link TileChoice} from the image, the model and
	 * {@link #memoryBudget} (the whole image when it fits). Before, the default was 128, the fastest where a
	 * thread's own malloc arena handed large blocks back to the kernel after every tile; with freed memory kept in
	 * the process ({@code mallopt} at engine start) larger tiles are faster, as they recompute less overlap.
	 */
	public static final int AUTO_TILE = 0;
	public static final int DEFAULT_TILE = AUTO_TILE;

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
	/** Least overlap of neighbouring tiles in pixels (at most half the tile is used). */
	public int overlap = Denoiser.OVERLAP;
	/** Bytes the network's native memory may take per tile, for {@code tile=auto} (the host's free memory). */
	public long memoryBudget = Long.MAX_VALUE;
	public Channels channels = Channels.PER_CHANNEL;
	/**
	 * {@code mean} mode computes the {@link Noisier2Noise} estimate instead of the one-step x̂₀: for models trained
	 * by DDPM's loss on noisy images (their {@link NoiseRecord} says so). Draws are seeded with {@link #seed}.
	 */
	public boolean noisier2noise;
	/**
	 * {@link Mode#SAMPLE} also keeps every step's state x<sub>t</sub> and estimate x̂₀ (averaged over the
	 * {@link #samples} chains, as the result is), in {@link DenoiseResult#steps}; one-channel images only.
	 */
	public boolean keepSteps;

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
		if (keepSteps && mode != Mode.SAMPLE) {
			throw new IllegalArgumentException("keep_steps=true keeps the steps of mode=sample; mode=" + mode.key +
				" has no steps to keep.");
		}
		if (overlap < 0) throw new IllegalArgumentException("overlap must be 0 or more pixels; got " + overlap + ".");
		if (tile != AUTO_TILE && tile < 16) {
			throw new IllegalArgumentException("tile must be auto or at least 16 pixels; got " + tile + ".");
		}
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
			if (keepSteps) s.append(" keep_steps=true");
		}
		s.append(" tile=").append(tile == AUTO_TILE ? "auto" : Integer.toString(tile)).append(" channels=").append(channels.key);
		return s.toString();
	}

	private static String format(double v) {
		return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.6g", v);
	}
}
