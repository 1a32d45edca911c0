package org.diffusionij.schedulers;

import ai.djl.ndarray.NDArray;

/**
 * What the network predicts, diffusers' {@code prediction_type}: the noise ε ({@code epsilon}), the velocity
 * v = √ᾱ ε − √(1−ᾱ) x₀ ({@code v_prediction}, Stable Diffusion 2 at 768 px), or the clean sample
 * ({@code sample}); and the conversions every caller shares, for a state x<sub>t</sub> = √ᾱ x₀ + √(1−ᾱ) ε
 * given by {@code a} = √ᾱ and {@code b} = √(1−ᾱ). Results land in the model output's manager.
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

	/** The clean-sample estimate x̂₀ (diffusers' {@code pred_original_sample}), a new array. */
	public NDArray originalSample(NDArray modelOutput, NDArray sample, float a, float b) {
		switch (this) {
			case EPSILON:
				return modelOutput.mul(b).neg().add(sample).div(a);
			case SAMPLE:
				return modelOutput.duplicate();
			default:
				return modelOutput.mul(-b).add(sample.mul(a));
		}
	}

	/** As {@link #originalSample(NDArray, NDArray, float, float)} with per-sample factors broadcast over the sample. */
	public NDArray originalSample(NDArray modelOutput, NDArray sample, NDArray a, NDArray b) {
		switch (this) {
			case EPSILON:
				return modelOutput.mul(b).neg().add(sample).div(a);
			case SAMPLE:
				return modelOutput.duplicate();
			default:
				return modelOutput.mul(b.neg()).add(sample.mul(a));
		}
	}

	/** As {@link #epsilon(NDArray, NDArray, float, float)} with per-sample factors broadcast over the sample. */
	public NDArray epsilon(NDArray modelOutput, NDArray sample, NDArray a, NDArray b) {
		switch (this) {
			case EPSILON:
				return modelOutput;
			case SAMPLE:
				return modelOutput.mul(a).neg().add(sample).div(b);
			default:
				return modelOutput.mul(a).add(sample.mul(b));
		}
	}

	/** The noise estimate ε̂ ({@code pred_epsilon}); for {@code epsilon} the model output itself. */
	public NDArray epsilon(NDArray modelOutput, NDArray sample, float a, float b) {
		switch (this) {
			case EPSILON:
				return modelOutput;
			case SAMPLE:
				return modelOutput.mul(a).neg().add(sample).div(b);
			default:
				return modelOutput.mul(a).add(sample.mul(b));
		}
	}
}
