package org.diffusionij.pipelines;

/**
 * The generalised Anscombe transform for Poisson–Gaussian noise, so that a denoiser made for Gaussian noise of
 * unit variance can treat photon-limited microscopy images. The model of a pixel value is
 * {@code z = α·p + n} with {@code p ~ Poisson(y)} photons, {@code n ~ N(μ, σ²)}: gain α (intensity units per
 * photon), offset μ (camera baseline) and read-noise σ, the last two in intensity units.
 * <p>
 * The forward transform {@code f(z) = (2/α)·sqrt(max(0, α z + 3/8 α² + σ² − α μ))} makes the noise of f(z)
 * approximately N(0, 1). After denoising, the result estimates {@code E[f(z) | y]}, not {@code f(E[z])}, so the
 * algebraic inverse is biased at low counts. {@link #inverse} is the closed-form approximation of the exact
 * unbiased inverse of Mäkitalo and Foi ("Optimal inversion of the generalized Anscombe transformation for
 * Poisson–Gaussian noise", IEEE TIP 22(1), 2013; closed form from "A closed-form approximation of the exact
 * unbiased inverse of the Anscombe variance-stabilizing transformation", IEEE TIP 20(9), 2011): with
 * {@code D} the denoised value and {@code s = σ/α},
 * {@code y = 1/4 D² + 1/4 sqrt(3/2) D⁻¹ − 11/8 D⁻² + 5/8 sqrt(3/2) D⁻³ − 1/8 − s²}, clipped at 0 and mapped back
 * to intensity units as {@code α y + μ}.
 */
public final class GeneralizedAnscombe {

	private static final double SQRT_3_2 = Math.sqrt(1.5);

	private final double gain;
	private final double offset;
	private final double sigma;

	/**
	 * @param gain α, intensity units per photon (greater than 0)
	 * @param offset μ, the mean of the Gaussian part (camera baseline), in intensity units
	 * @param sigma σ, the standard deviation of the Gaussian part, in intensity units (0 or more)
	 */
	public GeneralizedAnscombe(double gain, double offset, double sigma) {
		if (!(gain > 0)) throw new IllegalArgumentException("gain must be greater than 0, not " + gain);
		if (!(sigma >= 0)) throw new IllegalArgumentException("sigma must be 0 or more, not " + sigma);
		this.gain = gain;
		this.offset = offset;
		this.sigma = sigma;
	}

	/** The variance-stabilised value of one pixel. */
	public double forward(double z) {
		double arg = gain * z + 0.375 * gain * gain + sigma * sigma - gain * offset;
		return 2 / gain * Math.sqrt(Math.max(0, arg));
	}

	/** The exact unbiased inverse (closed-form approximation) of a denoised value, in intensity units. */
	public double inverse(double d) {
		double s = sigma / gain;
		double y;
		if (d <= 0) y = 0;
		else {
			double inv = 1 / d;
			y = 0.25 * d * d + 0.25 * SQRT_3_2 * inv - 1.375 * inv * inv + 0.625 * SQRT_3_2 * inv * inv * inv - 0.125 -
				s * s;
		}
		return gain * Math.max(0, y) + offset;
	}

	/** Transforms a plane in place. */
	public void forward(float[] plane) {
		for (int i = 0; i < plane.length; i++) plane[i] = (float) forward(plane[i]);
	}

	/** Inverts a denoised plane in place with the exact unbiased inverse. */
	public void inverse(float[] plane) {
		for (int i = 0; i < plane.length; i++) plane[i] = (float) inverse(plane[i]);
	}
}
