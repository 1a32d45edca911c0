package org.diffusionij.pipelines.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.diffusionij.engine.Generator;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.pipelines.NoiseLevelTimestep;
import org.diffusionij.schedulers.PredictionType;

/**
 * Training the one-step denoiser from noisy images alone, by Stein's unbiased risk estimate (SURE; Stein 1981,
 * for networks Soltanayev &amp; Chun 2018). For an image y = x + σn with white Gaussian noise of known σ over M
 * values and a denoiser D,
 * <pre>  E ||D(y) − x||² / M = E [ ||y − D(y)||² / M − σ² + 2σ² div D(y) / M ]</pre>
 * so the right side, which needs no clean x, is the true mean squared error in expectation, and minimising it
 * trains the denoiser towards E[x | y]. The divergence is estimated by Monte Carlo (Ramani et al. 2008):
 * {@code div D(y) ≈ bᵀ(D(y + δb) − D(y)) / δ} with b standard normal, so each step runs the network twice.
 * <p>
 * D is Denoise Image's own estimator: the network's x̂₀ at the timestep whose noise level matches σ, for the
 * state √ᾱ·y (see {@link NoiseLevelTimestep}); a model trained this way is used by Denoise Image as it is. To
 * train noise levels above the data's own too, half the patches get extra Gaussian noise s·ε (s uniform in
 * [0, 2σ]) and count as noise of σ' = √(σ² + s²). Levels below the data's own σ cannot be learned from these
 * data: there the network keeps what it had before. Poisson–Gaussian data reach this objective after the
 * generalised Anscombe transform, whose noise is close to Gaussian of unit variance.
 */
final class SureObjective {

	/** The Monte-Carlo divergence step, in network units (images span [−1, 1]). */
	static final float DELTA = 1e-3f;

	private final UNet2DModel model;
	private final float[] alphasCumprod;
	private final PredictionType prediction;

	SureObjective(UNet2DModel model, float[] alphasCumprod, PredictionType prediction) {
		this.model = model;
		this.alphasCumprod = alphasCumprod;
		this.prediction = prediction;
	}

	/**
	 * The mean SURE of a batch of noisy patches, a scalar in {@code y}'s manager (gradients flow when recorded).
	 *
	 * @param y noisy patches NCHW in network units
	 * @param sigmas each patch's noise σ in network units
	 * @param seed draws the extra noise, the probe b and which patches get extra noise
	 * @param extraNoise false: every patch at its own σ (the validation estimate)
	 * @param weights how much an error counts at each value, NCHW like y, or null (all alike)
	 */
	NDArray loss(NDArray y, float[] sigmas, long seed, boolean extraNoise, NDArray weights) {
		NDManager m = y.getManager();
		int n = (int) y.getShape().get(0);
		Generator generator = Generator.manualSeed(seed);
		NDArray eps = generator.randn(m, y.getShape());
		NDArray probe = generator.randn(m, y.getShape());
		SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
		float[] extra = new float[n], variance = new float[n];
		float[] t = new float[2 * n], a = new float[2 * n], b = new float[2 * n];
		for (int i = 0; i < n; i++) {
			double s = extraNoise && rnd.nextBoolean() ? 2 * sigmas[i] * rnd.nextDouble() : 0;
			double total = Math.sqrt(sigmas[i] * (double) sigmas[i] + s * s);
			NoiseLevelTimestep level = NoiseLevelTimestep.forSigma(alphasCumprod, total);
			extra[i] = (float) s;
			variance[i] = (float) (total * total);
			t[i] = t[i + n] = (float) level.timestep;
			a[i] = a[i + n] = (float) level.scale;
			b[i] = b[i + n] = (float) Math.sqrt(1 - level.alphaCumprod);
		}
		NDArray u = y.add(eps.mul(perSample(extra, m, y.getShape())));
		NDArray both = u.concat(u.add(probe.mul(DELTA)), 0);
		Shape twice = new Shape(2L * n, 1, 1, 1);
		NDArray scale = m.create(a, twice), noise = m.create(b, twice);
		NDArray state = both.mul(scale);
		NDArray denoised = prediction.originalSample(model.forward(state, m.create(t)), state, scale, noise);
		return estimate(u, denoised.get("0:" + n), denoised.get(n + ":"), probe, m.create(variance), weights).mean();
	}

	/**
	 * SURE per image of a batch: {@code ||u − d||²/M − σ² + 2σ² bᵀ(dProbe − d)/(δM)} for noisy images u of noise
	 * variance σ² ({@code variance}, one per image), their denoised d, the denoised of {@code u + δ·probe}, and
	 * the probe. With {@code weights} (NCHW, or null) each value's terms count by its weight divided by the
	 * batch's mean weight: SURE of the weighted error, exact as long as a weight does not depend on its own value's
	 * noise.
	 */
	static NDArray estimate(NDArray u, NDArray d, NDArray dProbe, NDArray probe, NDArray variance, NDArray weights) {
		int n = (int) u.getShape().get(0);
		long values = u.getShape().size() / n;
		NDArray w = weights == null ? u.onesLike() : weights.div(weights.mean());
		NDArray residual = u.sub(d).square().mul(w).reshape(n, values).mean(new int[] { 1 });
		NDArray meanWeight = w.reshape(n, values).mean(new int[] { 1 });
		NDArray divergence = probe.mul(dProbe.sub(d)).mul(w).reshape(n, values).sum(new int[] { 1 }).div(DELTA);
		return residual.sub(variance.mul(meanWeight)).add(variance.mul(divergence).mul(2f / values));
	}

	private static NDArray perSample(float[] factors, NDManager m, Shape like) {
		long[] dims = new long[like.dimension()];
		java.util.Arrays.fill(dims, 1);
		dims[0] = factors.length;
		return m.create(factors, new Shape(dims));
	}
}
