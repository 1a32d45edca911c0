package org.diffusionij.pipelines.sd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import org.diffusionij.engine.Scopes;
import org.diffusionij.nn.DiagonalGaussianDistribution;
import org.diffusionij.pipelines.Progress;
import org.diffusionij.schedulers.Scheduler;
import org.diffusionij.schedulers.SchedulerOutput;

/**
 * Stable Diffusion as diffusers' {@code StableDiffusionPipeline}, {@code StableDiffusionImg2ImgPipeline} and
 * {@code StableDiffusionInpaintPipeline} compute it: CLIP text embeddings (with the negative prompt for
 * classifier-free guidance), latents from the request's generator, the scheduler loop with the UNet's noise
 * prediction, and the VAE decode to (x/2+0.5).clamp(0, 1). Random draws happen in diffusers' order, so the
 * same folder, settings and seed give diffusers' image.
 */
public final class StableDiffusionPipeline {

	private final StableDiffusionModel model;

	public StableDiffusionPipeline(StableDiffusionModel model) {
		this.model = model;
	}

	/** @return images NCHW (count×3×H×W) in [0, 1], attached to {@code manager} */
	public NDArray generate(GenerationRequest r, Progress progress, NDManager manager) {
		r.validate();
		Scheduler scheduler = model.scheduler(r.scheduler, r.schedulerOverrides);
		try (NDManager run = manager.newSubManager()) {
			NDArray embeddings = TextConditioning.embed(model, r, run);
			scheduler.setTimesteps(r.steps);
			float[] timesteps = scheduler.timesteps();
			if (r.initImage != null) {
				int order = timesteps.length / r.steps;
				int init = Math.min((int) (r.steps * r.strength), r.steps);
				int start = Math.max(r.steps - init, 0) * order;
				float[] rest = new float[timesteps.length - start];
				System.arraycopy(timesteps, start, rest, 0, rest.length);
				timesteps = rest;
				scheduler.setBeginIndex(start);
			}
			if (timesteps.length == 0) throw new IllegalArgumentException("strength " + r.strength + " with " + r.steps +
				" steps leaves no step to run; raise strength or steps.");
			Latents start = initialLatents(r, scheduler, timesteps[0], run);
			NDArray latents = start.latents;
			int unetChannels = model.unet.config().inChannels;
			NDArray inpaintInputs = unetChannels == 9 ? NDArrays.concat(new NDList(guidedCopy(start.maskLatent, r),
				guidedCopy(start.maskedImageLatents, r)), 1) : null;
			for (int i = 0; i < timesteps.length; i++) {
				progress.checkCancelled();
				float t = timesteps[i];
				try (NDManager step = Scopes.step(run)) {
					// results land in their first operand's manager: keep this step's intermediates in its scope
					NDArray input = r.guided() ? inStep(NDArrays.concat(new NDList(latents, latents)), step) : latents;
					input = scheduler.scaleModelInput(input, t);
					if (input != latents) input.attach(step);
					if (inpaintInputs != null) input = NDArrays.concat(new NDList(input, inpaintInputs), 1);
					NDArray noise = model.unet.forward(input, step.create(new float[] { t }), embeddings);
					noise.attach(step);
					if (r.guided()) {
						NDList halves = noise.split(2);
						noise = halves.get(0).add(halves.get(1).sub(halves.get(0)).mul(r.guidance));
					}
					SchedulerOutput out = scheduler.step(noise, t, latents, r.generator);
					NDArray next = out.prevSample;
					if (start.imageLatents != null && unetChannels == 4) next = blend(next, start, scheduler, timesteps, i, step);
					if (r.preview != null && (i + 1) % r.previewEvery == 0 && i + 1 < timesteps.length) {
						preview(out.predOriginalSample != null ? out.predOriginalSample : next, r.preview, i + 1,
							timesteps.length);
					}
					latents = Scopes.replace(latents, next, run);
				}
				progress.step(i + 1, timesteps.length);
				progress.status("Generating: step " + (i + 1) + "/" + timesteps.length);
			}
			NDArray image = model.vae.decode(latents.div(model.vae.scalingFactor()));
			NDArray out = image.div(2).add(0.5).clip(0, 1);
			out.attach(manager);
			return out;
		}
		finally {
			scheduler.close();
		}
	}

	/** Decodes the first image of {@code latents} at half resolution (a quarter of the VAE's work) for a preview. */
	private void preview(NDArray latents, StepPreview preview, int step, int total) {
		try (NDManager m = latents.getManager().newSubManager()) {
			NDArray first = latents.get("0:1");
			first.attach(m);
			long h = first.getShape().get(2), w = first.getShape().get(3);
			if (h >= 16 && w >= 16 && h % 2 == 0 && w % 2 == 0) {
				first = Pool.avgPool2d(first, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
			}
			NDArray image = model.vae.decode(first.div(model.vae.scalingFactor()));
			preview.show(image.get(0).div(2).add(0.5).clip(0, 1), step, total);
		}
	}

	/** Latents to start from, and for inpainting the image latents, noise and masks the loop needs. */
	private static final class Latents {
		NDArray latents, imageLatents, noise, maskLatent, keepLatent, maskedImageLatents;
	}

	private Latents initialLatents(GenerationRequest r, Scheduler scheduler, float firstTimestep, NDManager m) {
		int f = model.vae.downscaleFactor();
		Shape shape = new Shape(r.count, model.vae.config().latentChannels, r.height / f, r.width / f);
		Latents l = new Latents();
		if (r.initImage == null) {
			l.latents = startNoise(r, shape, m).mul(scheduler.initNoiseSigma());
			return l;
		}
		checkImage(r);
		NDArray image = r.initImage.duplicate();
		image.attach(m);
		boolean strengthMax = r.strength >= 1.0;
		boolean inpaintingModel = model.unet.config().inChannels == 9;
		// as diffusers, in its order of random draws: the image is encoded unless an inpainting checkpoint starts
		// from pure noise; then the noise (or the given latents); then the masked image
		boolean fromNoise = strengthMax && r.mask != null;
		NDArray imageLatents = fromNoise && inpaintingModel ? null : encode(image, r, m).repeat(0, r.count);
		l.noise = startNoise(r, shape, m);
		float[] t = new float[r.count];
		java.util.Arrays.fill(t, firstTimestep);
		l.latents = fromNoise ? l.noise.mul(scheduler.initNoiseSigma()) : scheduler.addNoise(imageLatents, l.noise, t);
		if (r.mask != null) {
			NDArray mask = r.mask.duplicate().gte(0.5f).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
			mask.attach(m);
			l.imageLatents = imageLatents;
			l.maskLatent = NearestResize.to(mask, shape.get(2), shape.get(3)).repeat(0, r.count);
			l.keepLatent = l.maskLatent.neg().add(1);
			NDArray masked = image.mul(mask.lt(0.5f).toType(ai.djl.ndarray.types.DataType.FLOAT32, false));
			l.maskedImageLatents = encode(masked, r, m).repeat(0, r.count);
		}
		return l;
	}

	/** The request's latents (a copy in {@code m}), else standard normal noise drawn from the seed. */
	private static NDArray startNoise(GenerationRequest r, Shape shape, NDManager m) {
		if (r.latents == null) return r.generator.randn(m, shape);
		NDArray x = r.latents.duplicate();
		x.attach(m);
		return x;
	}

	private NDArray encode(NDArray image, GenerationRequest r, NDManager m) {
		DiagonalGaussianDistribution d = model.vae.encode(image);
		NDArray sample = d.sample(r.generator.randn(m, d.mean().getShape()));
		return sample.mul(model.vae.scalingFactor());
	}

	private static NDArray guidedCopy(NDArray x, GenerationRequest r) {
		return r.guided() ? NDArrays.concat(new NDList(x, x)) : x;
	}

	/** Keeps the known region from the (re-noised) image latents: diffusers' 4-channel inpainting blend. */
	private static NDArray blend(NDArray latents, Latents s, Scheduler scheduler, float[] timesteps, int i,
		NDManager step)
	{
		NDArray proper = s.imageLatents;
		if (i < timesteps.length - 1) {
			float[] t = new float[(int) proper.getShape().get(0)];
			java.util.Arrays.fill(t, timesteps[i + 1]);
			proper = inStep(scheduler.addNoise(proper, s.noise, t), step);
		}
		return inStep(proper.mul(s.keepLatent), step).add(inStep(latents.mul(s.maskLatent), step));
	}

	private static NDArray inStep(NDArray x, NDManager step) {
		x.attach(step);
		return x;
	}

	private void checkImage(GenerationRequest r) {
		Shape s = r.initImage.getShape();
		if (s.dimension() != 4 || s.get(0) != 1 || s.get(1) != 3 || s.get(2) != r.height || s.get(3) != r.width) {
			throw new IllegalArgumentException("The start image must be one RGB image of " + r.width + "×" + r.height +
				", not " + s + ".");
		}
	}
}
