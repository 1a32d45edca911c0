package org.diffusionij.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.diffusionij.engine.NoiseSource;
import org.diffusionij.engine.Scopes;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.schedulers.Scheduler;
import org.diffusionij.schedulers.SchedulerOutput;

/**
 * Unconditional image generation, as diffusers' {@code DDPMPipeline} and {@code DDIMPipeline}: start from
 * Gaussian noise drawn from the caller's generator, run the scheduler's reverse process with the UNet's
 * predictions, and return images in [0, 1] as {@code (x / 2 + 0.5).clamp(0, 1)}, NCHW. Random draws happen in
 * the order diffusers makes them, so a {@link org.diffusionij.engine.Generator} seeded as diffusers'
 * {@code generator=torch.Generator().manual_seed(seed)} gives diffusers' image for the same folder, scheduler
 * and steps.
 */
public final class UnconditionalPipeline {

	private final UNet2DModel unet;
	private final Scheduler scheduler;

	public UnconditionalPipeline(UNet2DModel unet, Scheduler scheduler) {
		this.unet = unet;
		this.scheduler = scheduler;
	}

	/**
	 * @param count images in the batch
	 * @param size image height and width (the UNet's {@code sample_size} when 0 or less)
	 * @param generator the start noise and every stochastic step's noise
	 * @return images NCHW in [0, 1], attached to {@code manager}
	 */
	public NDArray generate(int count, int size, int steps, NoiseSource generator, Progress progress,
		NDManager manager)
	{
		if (count < 1) throw new IllegalArgumentException("count must be at least 1.");
		if (steps < 1) throw new IllegalArgumentException("steps must be at least 1.");
		int s = size > 0 ? size : unet.config().sampleSize;
		int multiple = 1 << (unet.config().blockOutChannels.length - 1);
		if (s % multiple != 0) {
			throw new IllegalArgumentException("Image size " + s + " must be a multiple of " + multiple + " for this model.");
		}
		NDArray image = generator.randn(manager, new Shape(count, unet.config().inChannels, s, s));
		if (scheduler.initNoiseSigma() != 1f) image = Scopes.replace(image, image.mul(scheduler.initNoiseSigma()), manager);
		scheduler.setTimesteps(steps);
		float[] timesteps = scheduler.timesteps();
		for (int i = 0; i < timesteps.length; i++) {
			progress.checkCancelled();
			float t = timesteps[i];
			try (NDManager step = Scopes.step(manager)) {
				NDArray input = scheduler.scaleModelInput(image, t);
				if (input != image) input.attach(step); // a scaled copy lands in the image's manager otherwise
				NDArray modelOutput = unet.forward(input, step.create(new float[] { t }));
				modelOutput.attach(step);
				SchedulerOutput out = scheduler.step(modelOutput, t, image, generator);
				image = Scopes.replace(image, out.prevSample, manager);
			}
			progress.step(i + 1, timesteps.length);
			progress.status("Generating: step " + (i + 1) + "/" + timesteps.length);
		}
		NDArray result = image.div(2).add(0.5).clip(0, 1);
		image.close();
		return result;
	}
}
