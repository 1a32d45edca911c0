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
		return generate(count, size, size, steps, generator, progress, StepObserver.NONE, manager);
	}

	/**
	 * As {@link #generate(int, int, int, NoiseSource, Progress, NDManager)}, at {@code height x width}
	 * (the UNet's {@code sample_size} when 0 or less), showing every step to {@code observer}.
	 */
	public NDArray generate(int count, int height, int width, int steps, NoiseSource generator, Progress progress,
		StepObserver observer, NDManager manager)
	{
		if (count < 1) throw new IllegalArgumentException("count must be at least 1.");
		if (steps < 1) throw new IllegalArgumentException("steps must be at least 1.");
		int h = height > 0 ? height : unet.config().sampleSize;
		int w = width > 0 ? width : unet.config().sampleSize;
		checkSize(h, w);
		NDArray image = generator.randn(manager, new Shape(count, unet.config().inChannels, h, w));
		// set_timesteps first: Euler's init_noise_sigma is the largest sigma of the inference schedule
		scheduler.setTimesteps(steps);
		if (scheduler.initNoiseSigma() != 1f) image = Scopes.replace(image, image.mul(scheduler.initNoiseSigma()), manager);
		return denoise(image, scheduler.timesteps(), 0, generator, progress, observer, manager);
	}

	/**
	 * Image-to-image from a clean image, as diffusers' img2img pipelines start: the schedule of {@code steps}
	 * steps is cut to the timesteps at or below {@code startTimestep}, {@code original} (NCHW in [−1, 1]) is
	 * noised to the first of them with the scheduler's {@code add_noise} and noise drawn first from
	 * {@code generator}, and the reverse process runs from there.
	 *
	 * @return images NCHW in [0, 1], attached to {@code manager}
	 * @throws IllegalArgumentException when no timestep of the schedule is at or below {@code startTimestep}
	 */
	public NDArray fromTimestep(NDArray original, int startTimestep, int steps, NoiseSource generator,
		Progress progress, StepObserver observer, NDManager manager)
	{
		if (steps < 1) throw new IllegalArgumentException("steps must be at least 1.");
		Shape shape = original.getShape();
		checkSize((int) shape.get(2), (int) shape.get(3));
		scheduler.setTimesteps(steps);
		float[] timesteps = scheduler.timesteps();
		int begin = begin(timesteps, steps, startTimestep);
		scheduler.setBeginIndex(begin);
		NDArray image;
		try (NDManager scope = Scopes.step(manager)) {
			NDArray noise = generator.randn(scope, shape);
			NDArray x0 = original.duplicate();
			x0.attach(scope);
			image = scheduler.addNoise(x0, noise, new float[] { timesteps[begin] });
			image.attach(manager);
		}
		return denoise(image, timesteps, begin, generator, progress, observer, manager);
	}

	/**
	 * The number of steps the loop makes for {@code steps} scheduler steps, from noise ({@code startTimestep}
	 * null) or from {@code startTimestep}: what a {@link StepObserver} sees, which can be more than
	 * {@code steps} (PNDM's Runge–Kutta warm-up repeats timesteps).
	 */
	public int loopSteps(int steps, Integer startTimestep) {
		scheduler.setTimesteps(steps);
		float[] timesteps = scheduler.timesteps();
		return timesteps.length - (startTimestep == null ? 0 : begin(timesteps, steps, startTimestep));
	}

	/** The index of the first timestep at or below {@code startTimestep}. */
	private static int begin(float[] timesteps, int steps, int startTimestep) {
		int begin = 0;
		while (begin < timesteps.length && timesteps[begin] > startTimestep) begin++;
		if (begin == timesteps.length) {
			throw new IllegalArgumentException("No step of the " + steps + "-step schedule starts at or below " +
				"timestep " + startTimestep + " (the last one is " + format(timesteps[timesteps.length - 1]) +
				"): start later or use more steps.");
		}
		return begin;
	}

	/** The reverse process over {@code timesteps} from index {@code begin}; closes {@code image}. */
	private NDArray denoise(NDArray image, float[] timesteps, int begin, NoiseSource generator, Progress progress,
		StepObserver observer, NDManager manager)
	{
		int total = timesteps.length - begin;
		for (int i = begin; i < timesteps.length; i++) {
			progress.checkCancelled();
			float t = timesteps[i];
			try (NDManager step = Scopes.step(manager)) {
				NDArray input = scheduler.scaleModelInput(image, t);
				if (input != image) input.attach(step); // a scaled copy lands in the image's manager otherwise
				NDArray modelOutput = unet.forward(input, step.create(new float[] { t }));
				modelOutput.attach(step);
				SchedulerOutput out = scheduler.step(modelOutput, t, image, generator);
				if (observer != StepObserver.NONE) {
					observer.stepped(i - begin, total, t, out.prevSample, out.predOriginalSample != null ?
						out.predOriginalSample : predictedOriginal(modelOutput, image, t));
				}
				image = Scopes.replace(image, out.prevSample, manager);
			}
			progress.step(i - begin + 1, total);
			progress.status("Generating: step " + (i - begin + 1) + "/" + total);
		}
		NDArray result = image.div(2).add(0.5).clip(0, 1);
		image.close();
		return result;
	}

	/** x̂₀ from the model output where the scheduler does not return it (PNDM, DPM-Solver), in its manager. */
	private NDArray predictedOriginal(NDArray modelOutput, NDArray sample, float t) {
		float abar = scheduler.schedule().alphasCumprod()[Math.round(t)];
		return scheduler.predictionType().originalSample(modelOutput, sample, (float) Math.sqrt(abar), (float) Math
			.sqrt(1 - abar));
	}

	private void checkSize(int h, int w) {
		int multiple = 1 << (unet.config().blockOutChannels.length - 1);
		if (h % multiple != 0 || w % multiple != 0) {
			throw new IllegalArgumentException("Image size " + (h == w ? String.valueOf(h) : w + "×" + h) +
				" must be a multiple of " + multiple + " for this model.");
		}
	}

	private static String format(float t) {
		return t == Math.rint(t) ? String.valueOf((int) t) : String.valueOf(t);
	}
}
