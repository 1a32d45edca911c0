package org.diffusionij.pipelines.train;

import java.util.SplittableRandom;

/**
 * Draws training timesteps for a batch, from (seed, step) only so that Resume draws what an uninterrupted
 * run would. See {@link TrainingSettings.TimestepSampling} for the two distributions.
 */
final class TimestepSampler {

	private final TrainingSettings settings;
	private final double[] sigmas;

	TimestepSampler(TrainingSettings settings, float[] alphasCumprod) {
		this.settings = settings;
		sigmas = new double[alphasCumprod.length];
		for (int t = 0; t < sigmas.length; t++) sigmas[t] = Math.sqrt((1.0 - alphasCumprod[t]) / alphasCumprod[t]);
	}

	float[] draw(long step, int batch) {
		SplittableRandom rnd = new SplittableRandom(settings.seed * 0xBF58476D1CE4E5B9L + step * 31 + 7);
		int max = settings.maxTimestep > 0 ? Math.min(settings.maxTimestep, sigmas.length) : sigmas.length;
		float[] t = new float[batch];
		for (int i = 0; i < batch; i++) {
			if (settings.timestepSampling == TrainingSettings.TimestepSampling.UNIFORM) t[i] = rnd.nextInt(max);
			else {
				double lo = Math.log(settings.sigmaMin), hi = Math.log(settings.sigmaMax);
				t[i] = nearest(Math.exp(lo + (hi - lo) * rnd.nextDouble()), max);
			}
		}
		return t;
	}

	/**
	 * As {@link #draw}, but {@link #FOCUS} of the batch at noise levels within a factor {@link #SPREAD} of
	 * {@code levels[i]} (log-uniform): Noisier2Noise's denoiser is used only at s = RATIO·σ of each plane, so the
	 * steps are spent there, and the rest keep the other levels from drifting.
	 */
	float[] around(long step, float[] levels) {
		float[] t = draw(step, levels.length);
		SplittableRandom rnd = new SplittableRandom(settings.seed * 0x94D049BB133111EBL + step * 131 + 3);
		int max = settings.maxTimestep > 0 ? Math.min(settings.maxTimestep, sigmas.length) : sigmas.length;
		for (int i = 0; i < t.length; i++) {
			double u = rnd.nextDouble(), v = rnd.nextDouble();
			if (u < FOCUS) t[i] = nearest(levels[i] * Math.exp(Math.log(SPREAD) * (2 * v - 1)), max);
		}
		return t;
	}

	/** Share of a Noisier2Noise batch drawn near the level the denoiser uses. */
	static final double FOCUS = 0.75;
	/** How far from that level (a factor either way) the focused draws go. */
	static final double SPREAD = 2;

	/** Evenly spread timesteps of the training distribution, for a fixed validation batch. */
	float[] spread(int count) {
		float[] t = new float[count];
		int max = settings.maxTimestep > 0 ? Math.min(settings.maxTimestep, sigmas.length) : sigmas.length;
		for (int i = 0; i < count; i++) {
			double q = (i + 0.5) / count;
			if (settings.timestepSampling == TrainingSettings.TimestepSampling.UNIFORM) t[i] = (int) (q * max);
			else {
				double lo = Math.log(settings.sigmaMin), hi = Math.log(settings.sigmaMax);
				t[i] = nearest(Math.exp(lo + (hi - lo) * q), max);
			}
		}
		return t;
	}

	private int nearest(double sigma, int max) {
		int lo = 0, hi = max - 1;
		while (lo < hi) {
			int mid = (lo + hi) >>> 1;
			if (sigmas[mid] < sigma) lo = mid + 1;
			else hi = mid;
		}
		if (lo > 0 && Math.abs(Math.log(sigmas[lo - 1] / sigma)) < Math.abs(Math.log(sigmas[lo] / sigma))) lo--;
		return lo;
	}
}
