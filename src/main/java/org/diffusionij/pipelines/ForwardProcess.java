package org.diffusionij.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Locale;
import org.diffusionij.engine.NoiseSource;
import org.diffusionij.schedulers.Scheduler;

/**
 * The forward process q(x<sub>t</sub> | x₀) = √ᾱ<sub>t</sub> x₀ + √(1−ᾱ<sub>t</sub>) ε of a clean image
 * at chosen timesteps, with one noise draw ε for all of them, so that a stack shows the same noise growing over
 * the image: the scheduler's {@code add_noise}, as training uses it. Also the words of a state: its ᾱ and
 * signal-to-noise ratio ᾱ / (1 − ᾱ) in decibels.
 */
public final class ForwardProcess {

	private final Scheduler scheduler;

	/** @param scheduler a scheduler of the variance-preserving form (DDPM, DDIM, PNDM, DPM-Solver) */
	public ForwardProcess(Scheduler scheduler) {
		this.scheduler = scheduler;
	}

	/** The training timesteps, T. */
	public int trainTimesteps() {
		return scheduler.schedule().alphasCumprod().length;
	}

	/** ᾱ of every training timestep (a copy). */
	public float[] alphasCumprod() {
		return scheduler.schedule().alphasCumprod().clone();
	}

	/** ᾱ<sub>t</sub>. */
	public double alphaCumprod(int t) {
		return scheduler.schedule().alphasCumprod()[t];
	}

	/** 10 log<sub>10</sub>(ᾱ / (1 − ᾱ)). */
	public static double snrDb(double alphaCumprod) {
		return 10 * Math.log10(alphaCumprod / (1 - alphaCumprod));
	}

	/** "t=100  ᾱ=0.8930  SNR=9.2 dB", the label of a state. */
	public String label(int t) {
		double a = alphaCumprod(t);
		return String.format(Locale.ROOT, "t=%d  ᾱ=%.4f  SNR=%.1f dB", t, a, snrDb(a));
	}

	/** {@code frames} timesteps evenly spaced over 0 … T−1, both ends included. */
	public int[] evenlySpaced(int frames) {
		int n = trainTimesteps();
		if (frames < 2 || frames > n) {
			throw new IllegalArgumentException("frames must be between 2 and the model's " + n + " training " +
				"timesteps; got " + frames + ".");
		}
		int[] t = new int[frames];
		for (int k = 0; k < frames; k++) t[k] = (int) Math.round(k * (n - 1) / (double) (frames - 1));
		return t;
	}

	/**
	 * Timesteps from text such as {@code 0,50,100} (commas or spaces), each a training timestep.
	 *
	 * @throws IllegalArgumentException naming the key and the wrong entry
	 */
	public int[] parse(String key, String text) {
		int n = trainTimesteps();
		String[] parts = text.trim().split("[,\\s]+");
		int[] t = new int[parts.length];
		for (int i = 0; i < parts.length; i++) {
			try {
				t[i] = Integer.parseInt(parts[i]);
			}
			catch (NumberFormatException e) {
				throw new IllegalArgumentException(key + "=" + text + ": '" + parts[i] + "' is not a whole number; " +
					"write timesteps as " + key + "=0,100,500.");
			}
			if (t[i] < 0 || t[i] >= n) {
				throw new IllegalArgumentException(key + "=" + text + ": " + t[i] + " is not a training timestep of " +
					"this model (0 to " + (n - 1) + ").");
			}
		}
		return t;
	}

	/**
	 * x<sub>t</sub> for each timestep, {@code timesteps.length} items of {@code original}'s one item, from one
	 * noise draw ε of {@code original}'s shape.
	 *
	 * @param original one clean image, 1CHW in [−1, 1]
	 * @return (timesteps.length)CHW, attached to {@code manager}
	 */
	public NDArray noised(NDArray original, int[] timesteps, NoiseSource noise, NDManager manager) {
		if (original.getShape().get(0) != 1) throw new IllegalArgumentException("One image at a time.");
		float[] t = new float[timesteps.length];
		for (int i = 0; i < t.length; i++) t[i] = timesteps[i];
		try (NDManager scope = manager.newSubManager()) {
			NDArray x0 = original.duplicate();
			x0.attach(scope);
			NDArray eps = noise.randn(scope, original.getShape());
			int n = timesteps.length;
			NDArray out = scheduler.addNoise(x0.repeat(0, n), eps.repeat(0, n), t);
			out.attach(manager);
			return out;
		}
	}
}
