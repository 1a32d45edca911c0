package org.diffusionij.pipelines;

import com.google.gson.JsonObject;
import java.util.Locale;

/**
 * What a model trained on noisy data knows of that noise, stored beside {@code model_index.json} as
 * {@value #FILE} (diffusers ignores the file): the noise kind with Denoise Image's key names and values, the σ
 * given (or {@code auto}: estimated per plane) and the estimator the model is for ({@value #ONE_STEP} or
 * {@value #NOISIER2NOISE}). Denoise Image takes the kind, gain, offset
 * and a given σ from here when the macro leaves {@code noise=auto}, and refuses {@code mode=sample}, which
 * needs a model of clean images.
 */
public final class NoiseRecord {

	public static final String FILE = "noise.json";
	/** Denoise Image's one-step estimate x̂₀ (a model trained by SURE, or the starting model kept as best). */
	public static final String ONE_STEP = "one-step";
	/** The {@link Noisier2Noise} estimate (a model trained by DDPM's loss on the noisy images). */
	public static final String NOISIER2NOISE = "noisier2noise";

	public final DenoiseSettings.Noise noise;
	/** σ in image units as given to training (Poisson–Gaussian: the read noise), or null when estimated. */
	public final Double sigma;
	public final double gain, offset;
	/** The estimator Denoise Image computes with this model. */
	public final String objective;

	public NoiseRecord(DenoiseSettings.Noise noise, Double sigma, double gain, double offset, String objective) {
		this.noise = noise;
		this.sigma = sigma;
		this.gain = gain;
		this.offset = offset;
		this.objective = objective;
	}

	public JsonObject toJson() {
		JsonObject o = new JsonObject();
		o.addProperty("noise", noise.key);
		if (sigma == null) o.addProperty("sigma", "auto");
		else o.addProperty("sigma", sigma);
		o.addProperty("gain", gain);
		o.addProperty("offset", offset);
		o.addProperty("objective", objective);
		return o;
	}

	/** @throws IllegalArgumentException naming the file and key when a value is not one this plugin writes */
	public static NoiseRecord fromJson(JsonObject o, String source) {
		try {
			String key = o.get("noise").getAsString().toLowerCase(Locale.ROOT);
			DenoiseSettings.Noise noise = null;
			for (DenoiseSettings.Noise n : DenoiseSettings.Noise.values()) if (n.key.equals(key)) noise = n;
			if (noise == null) throw new IllegalArgumentException("noise '" + key + "' is not gaussian or poisson-gaussian");
			Double sigma = o.get("sigma").getAsJsonPrimitive().isNumber() ? o.get("sigma").getAsDouble() : null;
			return new NoiseRecord(noise, sigma, o.get("gain").getAsDouble(), o.get("offset").getAsDouble(), o.get(
				"objective").getAsString());
		}
		catch (RuntimeException e) {
			throw new IllegalArgumentException(source + " cannot be read (" + e.getMessage() + "); it should hold " +
				"noise, sigma, gain, offset and objective as Train Diffusion on Stack writes them.", e);
		}
	}

	/** The keys as a macro writes them. */
	@Override
	public String toString() {
		String s = "noise=" + noise.key + " sigma=" + (sigma == null ? "auto" : String.format(Locale.ROOT, "%.6g",
			sigma));
		if (noise == DenoiseSettings.Noise.POISSON_GAUSSIAN) s += String.format(Locale.ROOT, " gain=%.6g offset=%.6g",
			gain, offset);
		return s + " (estimator " + objective + ")";
	}
}
