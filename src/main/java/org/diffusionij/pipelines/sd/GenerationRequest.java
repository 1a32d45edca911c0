package org.diffusionij.pipelines.sd;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.diffusionij.engine.NoiseSource;

/**
 * The settings of one Stable Diffusion run, with diffusers' defaults. {@code initImage} (1×3×H×W in [−1, 1])
 * turns on image-to-image with {@code strength}; {@code mask} (1×1×H×W, 1 = regenerate) turns on inpainting.
 */
public final class GenerationRequest {

	public String prompt = "";
	public String negativePrompt = "";
	public int width = 512, height = 512;
	public int steps = 50;
	public double guidance = 7.5;
	/** Scheduler class name, or null for the folder's own scheduler. */
	public String scheduler;
	/**
	 * Scheduler config keys that replace the folder's (diffusers' {@code from_config(config, **kwargs)}, e.g.
	 * {@code use_karras_sigmas}), or null.
	 */
	public JsonObject schedulerOverrides;
	/**
	 * Every random draw of the run (start latents, the VAE's sample, stochastic scheduler steps), as diffusers'
	 * {@code generator=}: a {@link org.diffusionij.engine.Generator} made for this run.
	 */
	public NoiseSource generator;
	public int count = 1;
	public double strength = 1.0;
	public NDArray initImage;
	public NDArray mask;
	/**
	 * Noise given instead of drawn (diffusers' {@code latents=} argument): the start latents, or with a start image
	 * the noise added to it.
	 */
	public NDArray latents;
	/** Where to send previews (null: none), and every how many steps. */
	public StepPreview preview;
	public int previewEvery = 5;

	/** Checks the values a user can type and says what is wrong. */
	public void validate() {
		if (width % 8 != 0 || height % 8 != 0 || width < 8 || height < 8) {
			throw new IllegalArgumentException("width and height must be positive multiples of 8 (were " + width + "×" +
				height + ").");
		}
		if (steps < 1) throw new IllegalArgumentException("steps must be at least 1.");
		if (count < 1) throw new IllegalArgumentException("count must be at least 1.");
		if (!(strength > 0 && strength <= 1)) throw new IllegalArgumentException("strength must be in (0, 1].");
		if (!(guidance >= 0)) throw new IllegalArgumentException("guidance must be 0 or more.");
		if (mask != null && initImage == null) throw new IllegalArgumentException("Inpainting needs an image.");
		if (generator == null) throw new IllegalArgumentException("A generation needs a seeded generator.");
	}

	/** True when classifier-free guidance runs (diffusers: guidance_scale > 1). */
	public boolean guided() {
		return guidance > 1.0;
	}
}
