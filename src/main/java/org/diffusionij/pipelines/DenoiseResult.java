package org.diffusionij.pipelines;

import java.util.Locale;

/**
 * What {@link Denoiser#denoise} returns: the denoised planes (same layout as the input) and, for each
 * denoised unit (a plane, a group of planes for a multichannel model, or an item's luminance), the noise level
 * used and the timestep it matched, so that the host can report the estimates.
 */
public final class DenoiseResult {

	/** Denoised planes, {@code planes[n * channels + c]}, in the input's units. */
	public final float[][] planes;
	/**
	 * Noise σ of each unit: in image units for Gaussian noise; for Poisson–Gaussian noise in the units of the
	 * Anscombe transform (1 when gain, offset and read noise are right).
	 */
	public final double[] sigmas;
	/** The continuous timestep each unit started from. */
	public final double[] timesteps;

	/**
	 * With {@link DenoiseSettings#keepSteps}, the states of every step in the input's units:
	 * {@code steps[(step * 2 + k) * planes + p]} with k 0 for x<sub>t</sub> after the step and 1 for x̂₀
	 * predicted at it; else null.
	 */
	public final float[][] steps;
	/**
	 * With {@link DenoiseSettings#keepSteps}, the timestep each step of each plane started from,
	 * {@code [step * planes + p]}.
	 */
	public final double[] stepTimesteps;
	private final int stepCount;

	DenoiseResult(int planes, int units, int keptSteps) {
		this.planes = new float[planes][];
		this.sigmas = new double[units];
		this.timesteps = new double[units];
		this.stepCount = keptSteps;
		this.steps = keptSteps > 0 ? new float[keptSteps * 2 * planes][] : null;
		this.stepTimesteps = keptSteps > 0 ? new double[keptSteps * planes] : null;
	}

	/** The number of kept steps (0 without {@link DenoiseSettings#keepSteps}). */
	public int stepCount() {
		return stepCount;
	}

	void keep(int step, int kind, int plane, float[] values, double timestep) {
		steps[(step * 2 + kind) * planes.length + plane] = values;
		stepTimesteps[step * planes.length + plane] = timestep;
	}

	void record(int unit, double sigma, double timestep) {
		sigmas[unit] = sigma;
		timesteps[unit] = timestep;
	}

	/** The noise levels as a comma-separated list ({@code 24.87, 25.12}). */
	public String sigmaList() {
		StringBuilder s = new StringBuilder();
		for (int i = 0; i < sigmas.length; i++) s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4g",
			sigmas[i]));
		return s.toString();
	}

	/** The timesteps as a comma-separated list. */
	public String timestepList() {
		StringBuilder s = new StringBuilder();
		for (int i = 0; i < timesteps.length; i++) s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT,
			"%.2f", timesteps[i]));
		return s.toString();
	}
}
