package org.diffusionij.host;

import java.util.Locale;
import org.diffusionij.pipelines.DenoiseSettings;
import org.diffusionij.pipelines.NoiseRecord;

/**
 * Turns the macro values of the Denoise commands into {@link DenoiseSettings}, with a message naming the key
 * when a value is wrong. The choices are the lower-case words scripts write ({@code noise=poisson-gaussian}).
 */
public final class DenoiseOptions {

	static final String GAUSSIAN = "gaussian", POISSON_GAUSSIAN = "poisson-gaussian";
	static final String MEAN = "mean", SAMPLE = "sample";
	static final String DDPM = "ddpm", DDIM = "ddim";
	static final String PER_CHANNEL = "per-channel", LUMINANCE = "luminance";
	static final String FLOAT32 = "float32", SAME_AS_INPUT = "same-as-input";
	/**
	 * {@code sigma=auto}: estimated per plane; {@code noise=auto}: the model's own noise record when it has one
	 * ({@link NoiseRecord}), else gaussian.
	 */
	static final String AUTO = "auto";

	private DenoiseOptions() {}

	/** {@code auto} (or empty) gives null, the estimate; otherwise a number of 0 or more. */
	public static Double sigma(String text) {
		String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
		if (t.isEmpty() || t.equals(AUTO)) return null;
		try {
			double v = Double.parseDouble(t);
			if (v >= 0 && Double.isFinite(v)) return v;
		}
		catch (NumberFormatException e) {
			// reported below
		}
		throw new IllegalArgumentException("sigma=" + text + ": give the noise standard deviation in the image's" +
			" intensity units (for example sigma=25 on an 8-bit image), or sigma=auto to estimate it.");
	}

	/** {@code auto} (or empty) or a tile side in pixels. */
	static int tile(String text) {
		String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
		if (t.isEmpty() || t.equals(AUTO)) return DenoiseSettings.AUTO_TILE;
		try {
			int v = Integer.parseInt(t);
			if (v >= 16) return v;
		}
		catch (NumberFormatException e) {
			// reported below
		}
		throw new IllegalArgumentException("tile=" + text + ": give auto (the default) or a tile side of 16 pixels " +
			"or more (for example tile=512).");
	}

	static DenoiseSettings settings(String noise, String sigma, double gain, double offset, String mode,
		String sampler, int steps, int samples, long seed, String tile, String channels)
	{
		DenoiseSettings s = new DenoiseSettings();
		s.noise = POISSON_GAUSSIAN.equals(noise) ? DenoiseSettings.Noise.POISSON_GAUSSIAN : DenoiseSettings.Noise.GAUSSIAN;
		// noise=auto takes the model's record later (DenoiseRun); gaussian until then
		s.sigma = sigma(sigma);
		s.gain = gain;
		s.offset = offset;
		s.mode = SAMPLE.equals(mode) ? DenoiseSettings.Mode.SAMPLE : DenoiseSettings.Mode.MEAN;
		s.sampler = DDIM.equals(sampler) ? DenoiseSettings.Sampler.DDIM : DenoiseSettings.Sampler.DDPM;
		s.steps = steps;
		s.samples = samples;
		s.seed = seed;
		s.tile = tile(tile);
		if (s.tile == DenoiseSettings.AUTO_TILE) s.memoryBudget = FreeMemory.available() / 2;
		s.channels = LUMINANCE.equals(channels) ? DenoiseSettings.Channels.LUMINANCE :
			DenoiseSettings.Channels.PER_CHANNEL;
		s.check();
		return s;
	}

	static OutputType outputType(String text) {
		return SAME_AS_INPUT.equals(text) ? OutputType.SAME_AS_INPUT : OutputType.FLOAT32;
	}
}
