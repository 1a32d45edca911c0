package org.diffusionij.pipelines.train;

import com.google.gson.JsonObject;
import java.util.Locale;
import org.diffusionij.pipelines.DenoiseSettings;
import org.diffusionij.pipelines.NoiseRecord;
import org.diffusionij.schedulers.PredictionType;

/**
 * What a training run does, with defaults that suit a laptop CPU. Saved with every checkpoint so that a
 * resumed run continues with the same settings.
 */
public final class TrainingSettings {

	/** How training timesteps are drawn. */
	public enum TimestepSampling {
		/** Uniform over [0, maxTimestep), as diffusers' train_unconditional.py (for generation). */
		UNIFORM,
		/**
		 * Noise level σ = √((1−ᾱ)/ᾱ) log-uniform in [sigmaMin, sigmaMax], mapped to the nearest timestep: spends
		 * the training where denoising of real images happens (small timesteps), equally per decade of noise.
		 */
		LOG_SIGMA
	}

	/**
	 * The noise in the training images, with Denoise Image's meaning. {@code NONE}: the images are clean, and the
	 * network learns DDPM's noise prediction from them. Otherwise the images are the noisy data themselves, and
	 * the network learns the one-step denoiser by Stein's unbiased risk estimate ({@link SureObjective}).
	 */
	public enum Noise {
		NONE("none"), GAUSSIAN("gaussian"), POISSON_GAUSSIAN("poisson-gaussian");

		public final String key;

		Noise(String key) {
			this.key = key;
		}

		public static Noise of(String key) {
			for (Noise n : values()) if (n.key.equals(key)) return n;
			throw new IllegalArgumentException("noise=" + key + " is not one of none, gaussian, poisson-gaussian.");
		}
	}

	/** How noisy data are learned from: Stein's unbiased risk estimate, or DDPM's loss with Noisier2Noise. */
	public enum Objective {
		SURE("sure"), NOISIER2NOISE("noisier2noise");

		public final String key;

		Objective(String key) {
			this.key = key;
		}

		public static Objective of(String key) {
			for (Objective o : values()) if (o.key.equals(key)) return o;
			throw new IllegalArgumentException("objective=" + key + " is not one of auto, sure, noisier2noise.");
		}
	}

	public Noise noise = Noise.NONE;
	/** Noisy data: the objective, or null for the measured default of the noise kind ({@link #objective()}). */
	public Objective objective;
	/** Noise σ in image units (Poisson–Gaussian: the read noise), or null to estimate it per plane. */
	public Double noiseSigma;
	/** Poisson–Gaussian: intensity units per photon and camera baseline. */
	public double gain = 1, offset = 0;

	public long steps = 2000;
	public int batch = 8;
	public int patch = 64;
	public double learningRate = 2e-4;
	public long warmupSteps = -1;
	public String prediction = "epsilon";
	public long seed = 0;
	public long checkpointEvery = 500;
	public long validationEvery = 50;
	public double validationFraction = 0.1;
	public double emaDecay = 0.999;
	public double maxGradNorm = 1.0;
	public TimestepSampling timestepSampling = TimestepSampling.UNIFORM;
	public int maxTimestep = -1;
	public double sigmaMin = 0.01, sigmaMax = 1.0;

	/** Warm-up steps: the explicit value, or 5% of the run (at most 500). */
	public long warmup() {
		return warmupSteps >= 0 ? warmupSteps : Math.min(500, steps / 20);
	}

	/** Checks the values a user can type and says what is wrong. */
	public void validate() {
		if (steps < 1) throw new IllegalArgumentException("steps must be at least 1 (was " + steps + ").");
		if (batch < 1) throw new IllegalArgumentException("batch must be at least 1 (was " + batch + ").");
		if (patch < 8 || patch % 8 != 0) {
			throw new IllegalArgumentException("patch must be a multiple of 8 and at least 8 (was " + patch + ").");
		}
		if (!(learningRate > 0 && learningRate < 1)) {
			throw new IllegalArgumentException("lr must be between 0 and 1 (was " + learningRate + ").");
		}
		String p = prediction.toLowerCase(Locale.ROOT);
		if (!p.equals(PredictionType.EPSILON.key) && !p.equals(PredictionType.V_PREDICTION.key)) {
			throw new IllegalArgumentException("prediction must be epsilon or v_prediction (was " + prediction + ").");
		}
		if (checkpointEvery < 1) throw new IllegalArgumentException("checkpoint_every must be at least 1.");
		if (noiseSigma != null && !(noiseSigma >= 0 && Double.isFinite(noiseSigma))) {
			throw new IllegalArgumentException("sigma must be a number of 0 or more, or auto; got " + noiseSigma + ".");
		}
		if (noise == Noise.POISSON_GAUSSIAN && !(gain > 0 && Double.isFinite(gain))) {
			throw new IllegalArgumentException("gain must be greater than 0 for poisson-gaussian noise; got " + gain + ".");
		}
		if (!Double.isFinite(offset)) throw new IllegalArgumentException("offset must be a number; got " + offset + ".");
	}

	/**
	 * The objective on noisy data: the one set, else the better one measured for the noise kind (docs/training.md):
	 * SURE for Gaussian noise, Noisier2Noise for Poisson–Gaussian noise, where SURE's Gaussian assumption is
	 * exploited by the network.
	 */
	public Objective objective() {
		if (objective != null) return objective;
		return noise == Noise.POISSON_GAUSSIAN ? Objective.NOISIER2NOISE : Objective.SURE;
	}

	/** What the model folder records of the noise, for the model's estimator, or null for clean data. */
	public NoiseRecord noiseRecord(String estimator) {
		if (noise == Noise.NONE) return null;
		return new NoiseRecord(noise == Noise.POISSON_GAUSSIAN ? DenoiseSettings.Noise.POISSON_GAUSSIAN :
			DenoiseSettings.Noise.GAUSSIAN, noiseSigma, gain, offset, estimator);
	}

	/** True when the images are noisy data and training is noise-aware. */
	public boolean noisyData() {
		return noise != Noise.NONE;
	}

	/** What the network learns to predict. */
	public PredictionType predictionType() {
		return PredictionType.of(prediction.toLowerCase(Locale.ROOT), "prediction=" + prediction);
	}

	public JsonObject toJson() {
		JsonObject o = new JsonObject();
		o.addProperty("steps", steps);
		o.addProperty("batch", batch);
		o.addProperty("patch", patch);
		o.addProperty("lr", learningRate);
		o.addProperty("warmup_steps", warmup());
		o.addProperty("prediction", prediction);
		o.addProperty("seed", seed);
		o.addProperty("checkpoint_every", checkpointEvery);
		o.addProperty("validation_every", validationEvery);
		o.addProperty("validation_fraction", validationFraction);
		o.addProperty("ema_decay", emaDecay);
		o.addProperty("max_grad_norm", maxGradNorm);
		o.addProperty("timestep_sampling", timestepSampling.name().toLowerCase(Locale.ROOT));
		o.addProperty("max_timestep", maxTimestep);
		o.addProperty("sigma_min", sigmaMin);
		o.addProperty("sigma_max", sigmaMax);
		o.addProperty("noise", noise.key);
		if (objective != null) o.addProperty("objective", objective.key);
		if (noiseSigma == null) o.addProperty("noise_sigma", "auto");
		else o.addProperty("noise_sigma", noiseSigma);
		o.addProperty("gain", gain);
		o.addProperty("offset", offset);
		return o;
	}

	/**
	 * The largest timestep this training draws on the schedule {@code alphasCumprod}: below {@link #maxTimestep}
	 * (all timesteps when it is −1) and, for {@link TimestepSampling#LOG_SIGMA}, the last whose σ = √((1−ᾱ)/ᾱ)
	 * is at most {@link #sigmaMax}. A network knows nothing of the noise levels above it.
	 */
	public int largestTimestep(float[] alphasCumprod) {
		int last = (maxTimestep > 0 ? Math.min(maxTimestep, alphasCumprod.length) : alphasCumprod.length) - 1;
		if (timestepSampling != TimestepSampling.LOG_SIGMA) return last;
		int t = 0;
		while (t < last && Math.sqrt((1.0 - alphasCumprod[t + 1]) / alphasCumprod[t + 1]) <= sigmaMax) t++;
		return t;
	}

	public static TrainingSettings fromJson(JsonObject o) {
		TrainingSettings s = new TrainingSettings();
		s.steps = o.get("steps").getAsLong();
		s.batch = o.get("batch").getAsInt();
		s.patch = o.get("patch").getAsInt();
		s.learningRate = o.get("lr").getAsDouble();
		s.warmupSteps = o.get("warmup_steps").getAsLong();
		s.prediction = o.get("prediction").getAsString();
		s.seed = o.get("seed").getAsLong();
		s.checkpointEvery = o.get("checkpoint_every").getAsLong();
		s.validationEvery = o.get("validation_every").getAsLong();
		s.validationFraction = o.get("validation_fraction").getAsDouble();
		s.emaDecay = o.get("ema_decay").getAsDouble();
		s.maxGradNorm = o.get("max_grad_norm").getAsDouble();
		s.timestepSampling = TimestepSampling.valueOf(o.get("timestep_sampling").getAsString().toUpperCase(Locale.ROOT));
		s.maxTimestep = o.get("max_timestep").getAsInt();
		s.sigmaMin = o.get("sigma_min").getAsDouble();
		s.sigmaMax = o.get("sigma_max").getAsDouble();
		// checkpoints written before noise-aware training were trained as clean data
		if (o.has("noise")) s.noise = Noise.of(o.get("noise").getAsString());
		if (o.has("objective")) s.objective = Objective.of(o.get("objective").getAsString());
		if (o.has("noise_sigma") && o.get("noise_sigma").getAsJsonPrimitive().isNumber()) {
			s.noiseSigma = o.get("noise_sigma").getAsDouble();
		}
		if (o.has("gain")) s.gain = o.get("gain").getAsDouble();
		if (o.has("offset")) s.offset = o.get("offset").getAsDouble();
		return s;
	}
}
