package org.diffusionij.schedulers;

/**
 * The inference timestep and sigma schedules of the schedulers' {@code set_timesteps}: {@code timestep_spacing}
 * ({@code linspace}, {@code leading}, {@code trailing}), training sigmas, Karras sigmas and {@code _sigma_to_t}.
 * The numpy arithmetic diffusers uses for them is reproduced operation by operation ({@code np.arange},
 * {@code np.linspace}, {@code np.round} half-to-even, {@code np.interp}), so that timesteps come out identical
 * to diffusers' and sigmas within float32 rounding. Shared by all schedulers so each rule exists once. (Not
 * {@code nn.Timesteps}, the sinusoidal embedding of a timestep in the UNets.)
 */
final class TimestepSchedules {

	private TimestepSchedules() {}

	/**
	 * DDPM/DDIM {@code set_timesteps}: {@code timestep_spacing} {@code linspace}, {@code leading} (plus
	 * {@code steps_offset}) or {@code trailing}, in descending order.
	 */
	static long[] descending(String spacing, int numTrainTimesteps, int n, int stepsOffset) {
		long[] out = new long[n];
		switch (spacing) {
			case "linspace": {
				double[] l = linspace(0, numTrainTimesteps - 1, n);
				for (int i = 0; i < n; i++) out[i] = (long) Math.rint(l[n - 1 - i]);
				return out;
			}
			case "leading": {
				int ratio = numTrainTimesteps / n;
				for (int i = 0; i < n; i++) out[i] = (long) (n - 1 - i) * ratio + stepsOffset;
				return out;
			}
			default: // trailing, the only other value the config readers let through
				return trailing(numTrainTimesteps, (double) numTrainTimesteps / n, n);
		}
	}

	/**
	 * {@code np.round(np.arange(from, 0, -step)) - 1}, the first n values. For some step counts (61, 103, …
	 * of 1000) numpy's float {@code arange} yields one value more, and diffusers then ends its schedule at
	 * timestep −1, which indexes the table from its far end; the schedule here stops at the n-th timestep.
	 * Starting below the last training timestep (DPM-Solver's {@code lambda_min_clipped}) it can give fewer.
	 */
	static long[] trailing(int from, double step, int n) {
		double[] a = arange(from, 0, -step);
		long[] out = new long[Math.min(n, a.length)];
		for (int i = 0; i < out.length; i++) out[i] = (long) Math.rint(a[i]) - 1;
		return out;
	}

	/** {@code np.arange(start, stop, step)} for floats: {@code start + i * delta}, delta as numpy derives it. */
	static double[] arange(double start, double stop, double step) {
		int len = (int) Math.ceil((stop - start) / step);
		if (len <= 0) return new double[0];
		double delta = (start + step) - start;
		double[] out = new double[len];
		for (int i = 0; i < len; i++) out[i] = start + i * delta;
		return out;
	}

	/** {@code np.linspace(start, stop, num)}: {@code i * step + start}, the last value exactly {@code stop}. */
	static double[] linspace(double start, double stop, int num) {
		double[] out = new double[num];
		if (num == 1) {
			out[0] = start;
			return out;
		}
		double step = (stop - start) / (num - 1);
		for (int i = 0; i < num; i++) out[i] = i * step + start;
		out[num - 1] = stop;
		return out;
	}

	/** {@code np.interp(x, np.arange(len(fp)), fp)}. */
	static double interp(double x, float[] fp) {
		int last = fp.length - 1;
		if (x <= 0) return fp[0];
		if (x >= last) return fp[last];
		int j = (int) Math.floor(x);
		if (j == x) return fp[j];
		double slope = (double) fp[j + 1] - fp[j]; // the x spacing is 1
		return slope * (x - j) + fp[j];
	}

	/**
	 * σ<sub>t</sub> = √((1 − ᾱ<sub>t</sub>) / ᾱ<sub>t</sub>) per training timestep, in float32 as torch computes
	 * it.
	 */
	static float[] trainSigmas(float[] alphasCumprod) {
		float[] out = new float[alphasCumprod.length];
		for (int i = 0; i < out.length; i++) out[i] = (float) Math.sqrt((1f - alphasCumprod[i]) / alphasCumprod[i]);
		return out;
	}

	/** {@code np.log} of a float32 array (result float32). */
	static float[] log(float[] x) {
		float[] out = new float[x.length];
		for (int i = 0; i < out.length; i++) out[i] = (float) Math.log(x[i]);
		return out;
	}

	/**
	 * Karras et al. (2022) sigmas: {@code (max^(1/ρ) + ramp · (min^(1/ρ) − max^(1/ρ)))^ρ} with ρ = 7 over
	 * {@code n} points, in double as diffusers' numpy code.
	 */
	static double[] karras(double sigmaMin, double sigmaMax, int n) {
		double rho = 7.0;
		double[] ramp = linspace(0, 1, n);
		double minInvRho = Math.pow(sigmaMin, 1 / rho), maxInvRho = Math.pow(sigmaMax, 1 / rho);
		double[] out = new double[n];
		for (int i = 0; i < n; i++) out[i] = Math.pow(maxInvRho + ramp[i] * (minInvRho - maxInvRho), rho);
		return out;
	}

	/**
	 * Diffusers' {@code _sigma_to_t}: the fractional training timestep whose log-sigma interpolates to
	 * {@code log(sigma)}, with the float32/float64 mix of the numpy original.
	 */
	static double sigmaToT(double sigma, float[] logSigmas) {
		double logSigma = Math.log(Math.max(sigma, 1e-10));
		int low = 0;
		for (int i = 0; i < logSigmas.length; i++) if (logSigma - logSigmas[i] >= 0) low = i;
		low = Math.min(low, logSigmas.length - 2);
		int high = low + 1;
		float lo = logSigmas[low], hi = logSigmas[high];
		double w = (lo - logSigma) / (float) (lo - hi);
		w = Math.max(0, Math.min(1, w));
		return (1 - w) * low + w * high;
	}
}
