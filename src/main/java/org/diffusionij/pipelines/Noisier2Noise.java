package org.diffusionij.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.schedulers.PredictionType;

/**
 * The denoiser of a model trained by DDPM's own loss with the noisy images as its data (Noisier2Noise, Moran et
 * al. 2020, in diffusion form). Such a network, given u = y + s·ε (y the noisy image, ε the noise training
 * added, s its level), predicts ε̂ ≈ E[ε | u]. With data noise of σ, the noise u holds beyond the clean x is
 * w = σn + sε, and for Gaussian n, E[w | u] = ((σ² + s²)/s)·E[ε | u] (Tweedie), so
 * <pre>  E[x | u] = u − ((σ² + s²)/s)·ε̂(u)</pre>
 * Denoise Image draws u at s = {@value #RATIO}·σ, {@value #DRAWS} times, and averages. The network never sees σ
 * in training, so nothing in its loss can be fooled by noise that is not quite Gaussian (Poisson–Gaussian data
 * after the Anscombe transform); σ enters only the correction above.
 */
public final class Noisier2Noise {

	/** Draws averaged per image. */
	public static final int DRAWS = 8;
	/** The added noise level relative to the data's: s = RATIO · σ. */
	public static final double RATIO = 1;

	private final UNet2DModel unet;
	private final float[] alphasCumprod;
	private final PredictionType prediction;

	public Noisier2Noise(UNet2DModel unet, float[] alphasCumprod, PredictionType prediction) {
		this.unet = unet;
		this.alphasCumprod = alphasCumprod;
		this.prediction = prediction;
	}

	/** The added noise level s of each image, for data noise σ (network units). */
	public static float[] levels(float[] sigmas) {
		float[] s = new float[sigmas.length];
		for (int i = 0; i < s.length; i++) s[i] = (float) (RATIO * sigmas[i]);
		return s;
	}

	/**
	 * @param y normalised noisy images NCHW (network units)
	 * @param sigmas each image's noise σ in network units
	 * @param eps standard normal noise of shape {@code (N · DRAWS, C, H, W)}, draw k of image i at i · DRAWS + k
	 * @return the estimate of the clean images, in y's manager
	 */
	public NDArray estimate(NDArray y, float[] sigmas, NDArray eps) {
		NDManager m = y.getManager();
		int n = (int) y.getShape().get(0);
		int rows = n * DRAWS;
		float[] s = new float[rows], correction = new float[rows], t = new float[rows], a = new float[rows],
			b = new float[rows];
		float[] levels = levels(sigmas);
		for (int i = 0; i < n; i++) {
			double added = levels[i];
			NoiseLevelTimestep level = NoiseLevelTimestep.forSigma(alphasCumprod, added);
			for (int k = 0; k < DRAWS; k++) {
				int r = i * DRAWS + k;
				s[r] = (float) added;
				correction[r] = (float) ((sigmas[i] * (double) sigmas[i] + added * added) / added);
				t[r] = (float) level.timestep;
				a[r] = (float) level.scale;
				b[r] = (float) Math.sqrt(1 - level.alphaCumprod);
			}
		}
		Shape shape = y.getShape();
		long[] perRow = new long[shape.dimension()];
		Arrays.fill(perRow, 1);
		perRow[0] = rows;
		Shape factors = new Shape(perRow);
		NDArray u = y.repeat(0, DRAWS).add(eps.mul(m.create(s, factors)));
		NDArray scale = m.create(a, factors), noise = m.create(b, factors);
		NDArray state = u.mul(scale);
		NDArray epsHat = prediction.epsilon(unet.forward(state, m.create(t)), state, scale, noise);
		NDArray x = u.sub(epsHat.mul(m.create(correction, factors)));
		long[] grouped = new long[shape.dimension() + 1];
		grouped[0] = n;
		grouped[1] = DRAWS;
		for (int d = 1; d < shape.dimension(); d++) grouped[d + 1] = shape.get(d);
		return x.reshape(new Shape(grouped)).mean(new int[] { 1 });
	}
}
