package org.diffusionij.pipelines;

/**
 * The diffusion timestep that matches a Gaussian noise level, so Denoise Image can start the reverse process
 * from the noisy image itself without adding noise.
 * <p>
 * A diffusion state is {@code x_t = sqrt(ᾱ_t) x_0 + sqrt(1 − ᾱ_t) ε}. An image {@code y = x_0 + σ ε} (σ in
 * the model's normalised units, for example [-1, 1]) scaled by {@code sqrt(ᾱ_t)} is exactly such a state when
 * {@code ᾱ_t σ² = 1 − ᾱ_t}, that is {@code ᾱ_t = 1 / (1 + σ²)}. Because ᾱ falls monotonically over the train
 * timesteps, t is found between two integer timesteps and interpolated linearly in ᾱ, so that the interpolated
 * ᾱ_t is exactly {@code 1 / (1 + σ²)} and {@link #scale} is exactly {@code 1 / sqrt(1 + σ²)}.
 */
public final class NoiseLevelTimestep {

	/** The continuous timestep, in [0, number of train timesteps − 1]. */
	public final double timestep;
	/** ᾱ at {@link #timestep}, interpolated. */
	public final double alphaCumprod;
	/** {@code sqrt(ᾱ_t)}: what the noisy normalised image is multiplied by to become the state x_t. */
	public final double scale;

	private NoiseLevelTimestep(double timestep, double alphaCumprod) {
		this.timestep = timestep;
		this.alphaCumprod = alphaCumprod;
		this.scale = Math.sqrt(alphaCumprod);
	}

	/**
	 * @param alphasCumprod the scheduler's {@code alphas_cumprod} over its train timesteps (falling)
	 * @param sigma the noise standard deviation in the model's normalised units (0 or more)
	 * @return the matching timestep; a σ below timestep 0's own noise level gives timestep 0
	 * @throws IllegalArgumentException when σ is more noise than the last train timestep holds
	 */
	public static NoiseLevelTimestep forSigma(float[] alphasCumprod, double sigma) {
		if (alphasCumprod.length == 0) throw new IllegalArgumentException("alphas_cumprod is empty");
		if (!(sigma >= 0)) throw new IllegalArgumentException("sigma must be 0 or more, not " + sigma);
		double target = 1 / (1 + sigma * sigma);
		if (target >= alphasCumprod[0]) return new NoiseLevelTimestep(0, alphasCumprod[0]);
		int last = alphasCumprod.length - 1;
		// a relative tolerance lets the last timestep's own noise level, computed in floating point, map to it
		if (target < alphasCumprod[last] * (1 - 1e-9)) {
			throw new IllegalArgumentException(String.format("noise level %.4g (normalised) is beyond the model's last" +
				" timestep (it holds at most %.4g)", sigma, noiseLevel(alphasCumprod[last])));
		}
		int lo = 0;
		int hi = last;
		while (hi - lo > 1) {
			int mid = (lo + hi) >>> 1;
			if (alphasCumprod[mid] > target) lo = mid;
			else hi = mid;
		}
		double a0 = alphasCumprod[lo];
		double a1 = alphasCumprod[hi];
		double fraction = a0 == a1 ? 0 : Math.min(1, (a0 - target) / (a0 - a1));
		return new NoiseLevelTimestep(lo + fraction, target);
	}

	/** The noise level σ this timestep matches, in normalised units: {@code sqrt(1/ᾱ − 1)}. */
	public double sigma() {
		return noiseLevel(alphaCumprod);
	}

	/** The noise level σ of an image whose diffusion state has this ᾱ: {@code sqrt(1/ᾱ − 1)}. */
	public static double noiseLevel(double alphaCumprod) {
		return Math.sqrt(1 / alphaCumprod - 1);
	}
}
