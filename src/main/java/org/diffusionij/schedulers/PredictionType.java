package org.diffusionij.schedulers;

/**
 * What the network predicts, diffusers' {@code prediction_type}: the noise ε ({@code epsilon}), the velocity
 * v = √ᾱ ε − √(1−ᾱ) x₀ ({@code v_prediction}, Stable Diffusion 2 at 768 px), or the clean sample
 * ({@code sample}).
 */
public enum PredictionType {
	EPSILON("epsilon"), V_PREDICTION("v_prediction"), SAMPLE("sample");

	/** The config value, as diffusers writes it. */
	public final String key;

	PredictionType(String key) {
		this.key = key;
	}

	/** The type for a config value, or a message naming the supported ones. */
	public static PredictionType of(String key, String source) {
		for (PredictionType p : values()) if (p.key.equals(key)) return p;
		throw new IllegalArgumentException(source + ": prediction_type '" + key +
			"' is not supported; use epsilon, v_prediction or sample.");
	}
}
