package org.diffusionij.pipelines.sd;

import ai.djl.ndarray.NDArray;

/**
 * Receives, every few steps of a generation, the image the current step predicts: the first image's predicted
 * clean latents (x̂₀ where the scheduler computes it, else the current latents) decoded by the VAE at half the
 * latent resolution, so a host can show the picture forming and the user can cancel early.
 */
@FunctionalInterface
public interface StepPreview {

	/**
	 * @param rgb (3, h, w) in [0, 1]; valid during the call only (copy what you keep)
	 * @param step steps done
	 * @param total steps in the run
	 */
	void show(NDArray rgb, int step, int total);
}
