package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;

/**
 * diffusers' {@code DiagonalGaussianDistribution}, the VAE encoder's output: a mean and a log-variance (clamped
 * to [-30, 20]) per latent element. Image-to-image pipelines sample from it with the pipeline's generator.
 */
public final class DiagonalGaussianDistribution {

	private final NDArray mean;
	private final NDArray logvar;

	/** Splits (N, 2·C, h, w) moments into mean and log-variance along channels, as diffusers does. */
	DiagonalGaussianDistribution(NDArray moments) {
		int c = (int) moments.getShape().get(1) / 2;
		this.mean = moments.get(":, :" + c);
		this.logvar = moments.get(":, " + c + ":").clip(-30.0, 20.0);
	}

	public NDArray mean() {
		return mean;
	}

	public NDArray logvar() {
		return logvar;
	}

	/** The most likely latents (diffusers' {@code mode()}), the mean. */
	public NDArray mode() {
		return mean;
	}

	/**
	 * mean + std·noise, diffusers' {@code sample(generator)} given the draw {@code noise}, a standard normal tensor
	 * of the mean's shape ({@code randn_tensor} with the pipeline's generator); the result lands in noise's manager.
	 */
	public NDArray sample(NDArray noise) {
		return noise.mul(logvar.mul(0.5).exp()).add(mean);
	}
}
