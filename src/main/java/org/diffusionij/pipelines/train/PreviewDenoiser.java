package org.diffusionij.pipelines.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.schedulers.PredictionType;
import org.diffusionij.engine.Generator;
import org.diffusionij.schedulers.Scheduler;

/**
 * A quick look at what a model has learned: noise a clean patch to the timestep whose noise level
 * σ = √((1−ᾱ)/ᾱ) is closest to a chosen σ, and take the network's one-step estimate of the clean image
 * ({@link PredictionType#originalSample x̂₀}). The noisy image shown is
 * x_t / √ᾱ, the clean patch plus σ-scaled Gaussian noise, so the two are on the same scale as the clean one.
 */
public final class PreviewDenoiser {

	private final UNet2DModel unet;
	private final Scheduler scheduler;
	private final PredictionType prediction;

	public PreviewDenoiser(UNet2DModel unet, Scheduler scheduler) {
		this.unet = unet;
		this.scheduler = scheduler;
		this.prediction = scheduler.predictionType();
	}

	/** The timestep whose noise level is closest to {@code sigma} (network units, [−1, 1] images). */
	public int timestepFor(double sigma) {
		float[] acp = scheduler.schedule().alphasCumprod();
		int best = 0;
		for (int t = 0; t < acp.length; t++) {
			double s = Math.sqrt((1 - acp[t]) / acp[t]);
			if (Math.abs(s - sigma) < Math.abs(Math.sqrt((1 - acp[best]) / acp[best]) - sigma)) best = t;
		}
		return best;
	}

	/**
	 * @param clean a CHW patch in [−1, 1], sides divisible by the UNet's downsampling
	 * @return {noisy, denoised}, both CHW on the clean patch's scale
	 */
	public float[][] denoise(float[] clean, int channels, int height, int width, double sigma, long seed,
		NDManager manager)
	{
		int t = timestepFor(sigma);
		double a = scheduler.schedule().alphasCumprod()[t];
		float sa = (float) Math.sqrt(a), sb = (float) Math.sqrt(1 - a);
		try (NDManager s = manager.newSubManager()) {
			NDArray x0 = s.create(clean, new Shape(1, channels, height, width));
			NDArray noise = Generator.manualSeed(seed).randn(s, x0.getShape());
			NDArray xt = x0.mul(sa).add(noise.mul(sb));
			NDArray out = unet.forward(xt, s.create(new float[] { t }));
			NDArray estimate = prediction.originalSample(out, xt, sa, sb);
			return new float[][] { xt.div(sa).toFloatArray(), estimate.toFloatArray() };
		}
	}
}
