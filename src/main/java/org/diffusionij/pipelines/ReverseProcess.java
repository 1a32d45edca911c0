package org.diffusionij.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.diffusionij.engine.Scopes;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.engine.NoiseSource;
import org.diffusionij.schedulers.PredictionType;

/**
 * The diffusion steps of Denoise Image on one normalised tile, at continuous timesteps: a noisy image already
 * is a diffusion state at the timestep {@link NoiseLevelTimestep} matches to its noise level, which is rarely an
 * integer, so ᾱ is interpolated linearly between the training timesteps (as {@link NoiseLevelTimestep} does)
 * and the UNet gets the fractional timestep.
 * <p>
 * {@link #mean} is one network call: the clean-image estimate x̂₀ from the prediction ({@code epsilon}:
 * {@code (x_t − √(1−ᾱ) ε̂) / √ᾱ}; {@code v_prediction}: {@code √ᾱ x_t − √(1−ᾱ) v̂}; {@code sample}: the
 * output). {@link #sample} runs the reverse process from the matched timestep t* down to the clean image over
 * timesteps evenly spaced {@code t* (k/steps)}, the last step landing on ᾱ = 1 (diffusers' DDIM
 * {@code set_alpha_to_one}), with DDIM (eta 0: {@code x_s = √ᾱ_s x̂₀ + √(1−ᾱ_s) ε̂}) or DDPM posterior
 * steps (mean {@code √ᾱ_s β/(1−ᾱ_t) x̂₀ + √α (1−ᾱ_s)/(1−ᾱ_t) x_t}, variance {@code (1−ᾱ_s)/(1−ᾱ_t) β} with
 * {@code α = ᾱ_t/ᾱ_s}, {@code β = 1 − α}), for a batch of chains that are averaged.
 */
final class ReverseProcess {

	private final UNet2DModel unet;
	private final float[] alphasCumprod;
	private final PredictionType prediction;

	ReverseProcess(UNet2DModel unet, float[] alphasCumprod, PredictionType prediction) {
		this.unet = unet;
		this.alphasCumprod = alphasCumprod;
		this.prediction = prediction;
	}

	/** Number of UNet calls per tile for these settings. */
	static int calls(DenoiseSettings s) {
		return s.mode == DenoiseSettings.Mode.MEAN ? 1 : s.steps;
	}

	/** The timestep step {@code i} of {@code steps} starts from: {@code t* (steps − i) / steps}. */
	static double timestep(NoiseLevelTimestep start, int i, int steps) {
		return start.timestep * (steps - i) / steps;
	}

	/** ᾱ at a continuous timestep, linear between the training timesteps. */
	static double alphaCumprodAt(float[] acp, double t) {
		if (t <= 0) return acp[0];
		int lo = (int) Math.floor(t);
		if (lo >= acp.length - 1) return acp[acp.length - 1];
		return acp[lo] + (t - lo) * (acp[lo + 1] - acp[lo]);
	}

	/** x̂₀ of the state {@code x} at timestep {@code t} whose ᾱ is {@code abar}, in x's manager. */
	NDArray predictOriginal(NDArray x, double t, double abar) {
		NDManager m = x.getManager();
		NDArray out = unet.forward(x, m.create(new float[] { (float) t }));
		return prediction.originalSample(out, x, (float) Math.sqrt(abar), (float) Math.sqrt(1 - abar));
	}

	/** The one-step estimate for the normalised noisy tile {@code y} (values in [−1, 1] plus noise). */
	NDArray mean(NDArray y, NoiseLevelTimestep start, Runnable afterCall) {
		NDArray x0 = predictOriginal(y.mul((float) start.scale), start.timestep, start.alphaCumprod);
		afterCall.run();
		return x0;
	}

	/** The reverse process from {@code start}, {@code chains} chains averaged; DDPM's noise from {@code noise}. */
	NDArray sample(NDArray y, NoiseLevelTimestep start, DenoiseSettings.Sampler sampler, int steps, int chains,
		NoiseSource noise, Runnable afterCall)
	{
		return sample(y, start, sampler, steps, chains, noise, afterCall, StepObserver.NONE);
	}

	/**
	 * As {@link #sample(NDArray, NoiseLevelTimestep, DenoiseSettings.Sampler, int, int, NoiseSource, Runnable)},
	 * showing every step (all chains) to {@code observer}.
	 */
	NDArray sample(NDArray y, NoiseLevelTimestep start, DenoiseSettings.Sampler sampler, int steps, int chains,
		NoiseSource noise, Runnable afterCall, StepObserver observer)
	{
		NDManager outer = y.getManager();
		NDArray x = y.mul((float) start.scale).repeat(0, chains);
		for (int i = 0; i < steps; i++) {
			double t = timestep(start, i, steps);
			double s = timestep(start, i + 1, steps);
			double abarT = i == 0 ? start.alphaCumprod : alphaCumprodAt(alphasCumprod, t);
			double abarS = i == steps - 1 ? 1 : alphaCumprodAt(alphasCumprod, s);
			try (NDManager step = Scopes.step(outer)) {
				NDArray xt = x.duplicate();
				xt.attach(step);
				NDArray x0 = predictOriginal(xt, t, abarT);
				NDArray next;
				if (sampler == DenoiseSettings.Sampler.DDIM) {
					NDArray eps = xt.sub(x0.mul((float) Math.sqrt(abarT))).div((float) Math.sqrt(1 - abarT));
					next = x0.mul((float) Math.sqrt(abarS)).add(eps.mul((float) Math.sqrt(1 - abarS)));
				}
				else {
					double alpha = abarT / abarS;
					double beta = 1 - alpha;
					double c0 = Math.sqrt(abarS) * beta / (1 - abarT);
					double ct = Math.sqrt(alpha) * (1 - abarS) / (1 - abarT);
					next = x0.mul((float) c0).add(xt.mul((float) ct));
					double variance = (1 - abarS) / (1 - abarT) * beta;
					if (variance > 0) {
						NDArray z = noise.randn(step, xt.getShape());
						next = next.add(z.mul((float) Math.sqrt(variance)));
					}
				}
				observer.stepped(i, steps, t, next, x0);
				x = Scopes.replace(x, next, outer);
			}
			afterCall.run();
		}
		NDArray average = x.mean(new int[] { 0 }, true);
		x.close();
		return average;
	}
}
