package org.diffusionij.pipelines;

/**
 * The noise of one unit of Denoise Image (a plane, a model's channel group, or an item's luminance): its σ,
 * given or {@link NoiseEstimation#estimate estimated} per plane and averaged, and for Poisson–Gaussian noise the
 * {@link GeneralizedAnscombe generalised Anscombe transform} that makes it Gaussian of unit variance (σ = 1 in
 * its units, or estimated on the transformed planes when σ is not given), with its exact unbiased inverse.
 */
public final class UnitNoise {

	/** σ as reported to the user: image units for Gaussian noise, Anscombe units for Poisson–Gaussian. */
	public final double reported;
	/** σ in the units of {@link #values}, before normalisation. */
	public final double modelSigma;
	/** The unit's planes one after the other, transformed where the noise needs it (a new array). */
	public final float[] values;
	private final GeneralizedAnscombe transform;
	private final int size;

	/** @param noiseFactor the share of each plane's σ that this unit has (below 1 for a luminance) */
	UnitNoise(float[][] planes, double noiseFactor, int width, int height, DenoiseSettings s) {
		this(planes, noiseFactor, width, height, s.noise, s.sigma, s.gain, s.offset);
	}

	/**
	 * The noise of {@code planes} (one unit, {@code width x height} each) as a user states it: {@code kind},
	 * {@code given} σ in image units (null: estimated; Poisson–Gaussian: the read noise), {@code gain} and
	 * {@code offset}. Training on noisy data uses this with the keys Denoise Image has, so both see the same σ.
	 */
	public UnitNoise(float[][] planes, double noiseFactor, int width, int height, DenoiseSettings.Noise kind,
		Double given, double gain, double offset)
	{
		size = width * height;
		double sigma = 0;
		for (float[] p : planes) sigma += given != null ? given * noiseFactor : NoiseEstimation.estimate(p, width,
			height);
		sigma /= planes.length;
		values = new float[planes.length * size];
		for (int c = 0; c < planes.length; c++) System.arraycopy(planes[c], 0, values, c * size, size);
		if (kind != DenoiseSettings.Noise.POISSON_GAUSSIAN) {
			transform = null;
			reported = modelSigma = sigma;
			return;
		}
		transform = new GeneralizedAnscombe(gain, offset, given == null ? 0 : given * noiseFactor);
		double transformed = 0;
		for (int c = 0; c < planes.length; c++) {
			float[] p = new float[size];
			System.arraycopy(values, c * size, p, 0, size);
			transform.forward(p);
			System.arraycopy(p, 0, values, c * size, size);
			transformed += given != null ? 1 : NoiseEstimation.estimate(p, width, height);
		}
		reported = modelSigma = transformed / planes.length;
	}

	/** The denoised {@link #values} back as planes in image units (one channel: {@code denoised} itself). */
	float[][] inverse(float[] denoised, int channels) {
		if (channels == 1 && denoised.length == size) {
			if (transform != null) transform.inverse(denoised);
			return new float[][] { denoised };
		}
		float[][] planes = new float[channels][size];
		for (int c = 0; c < channels; c++) {
			System.arraycopy(denoised, c * size, planes[c], 0, size);
			if (transform != null) transform.inverse(planes[c]);
		}
		return planes;
	}
}
