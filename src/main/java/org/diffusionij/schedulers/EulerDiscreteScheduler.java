package org.diffusionij.schedulers;

import static org.diffusionij.schedulers.StepMath.sqrt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.diffusionij.engine.NoiseSource;
import org.diffusionij.io.ConfigJson;

/**
 * Diffusers' {@code EulerDiscreteScheduler} (Karras et al. 2022, algorithm 2 without churn): Euler steps of
 * the probability-flow ODE in σ, with the network input scaled by 1/√(σ² + 1). {@code use_karras_sigmas}
 * (with {@code sigma_min}/{@code sigma_max}), {@code timestep_spacing}, {@code interpolation_type}
 * {@code linear}, {@code final_sigmas_type}, {@code rescale_betas_zero_snr}, all prediction types. Karras
 * sigmas give fractional timesteps, which is why timesteps are floats. Not implemented, and refused by name:
 * exponential, beta and log-linear sigmas, continuous v-prediction timesteps. Built from a config with
 * {@code leading} spacing (e.g. Stable Diffusion's PNDM config) the initial noise is √(σ<sub>max</sub>² + 1),
 * as in diffusers.
 */
public final class EulerDiscreteScheduler extends ConfiguredScheduler {

	public static final String CLASS_NAME = "EulerDiscreteScheduler";

	private final PredictionType predictionType;
	private final boolean useKarrasSigmas;
	private final Double sigmaMin, sigmaMax;
	private final String timestepSpacing;
	private final int stepsOffset;
	private final boolean finalSigmaMin;
	private float[] sigmas;
	private Integer stepIndex, beginIndex;

	public EulerDiscreteScheduler(ConfigJson config) {
		super(CLASS_NAME, config, true, true);
		String prediction = reader.getString("prediction_type", "epsilon", "epsilon", "v_prediction", "sample",
			"original_sample");
		predictionType = PredictionType.of(prediction.equals("original_sample") ? "sample" : prediction,
			reader.source());
		reader.getString("interpolation_type", "linear", "linear");
		useKarrasSigmas = reader.getBoolean("use_karras_sigmas", false);
		reader.requireOff("use_exponential_sigmas");
		reader.requireOff("use_beta_sigmas");
		sigmaMin = reader.getDoubleOrNull("sigma_min");
		sigmaMax = reader.getDoubleOrNull("sigma_max");
		timestepSpacing = reader.getString("timestep_spacing", "linspace", "linspace", "leading", "trailing");
		String timestepType = reader.getString("timestep_type", "discrete", "discrete", "continuous");
		if (timestepType.equals("continuous") && predictionType == PredictionType.V_PREDICTION) {
			throw reader.unsupported("timestep_type", timestepType, "discrete with v_prediction");
		}
		stepsOffset = reader.getInt("steps_offset", 0);
		finalSigmaMin = reader.getString("final_sigmas_type", "zero", "zero", "sigma_min").equals("sigma_min");
		int n = schedule.numTrainTimesteps;
		float[] train = TimestepSchedules.trainSigmas(schedule.alphasCumprod());
		double[] all = TimestepSchedules.linspace(0, n - 1, n);
		sigmas = new float[n + 1];
		timesteps = new float[n];
		for (int i = 0; i < n; i++) {
			sigmas[i] = train[n - 1 - i];
			timesteps[i] = (float) all[n - 1 - i];
		}
	}

	@Override
	public PredictionType predictionType() {
		return predictionType;
	}

	@Override
	public void setTimesteps(int n) {
		int numTrain = schedule.numTrainTimesteps;
		checkStepCount(n);
		double[] t = new double[n];
		if (timestepSpacing.equals("linspace")) {
			double[] l = TimestepSchedules.linspace(0, numTrain - 1, n);
			for (int i = 0; i < n; i++) t[i] = (float) l[n - 1 - i];
		}
		else {
			long[] d = TimestepSchedules.descending(timestepSpacing, numTrain, n, stepsOffset);
			for (int i = 0; i < n; i++) t[i] = d[i];
		}
		float[] train = TimestepSchedules.trainSigmas(schedule.alphasCumprod());
		double[] s = new double[n];
		for (int i = 0; i < n; i++) s[i] = TimestepSchedules.interp(t[i], train);
		if (useKarrasSigmas) {
			float[] logSigmas = TimestepSchedules.log(train);
			s = TimestepSchedules.karras(sigmaMin != null ? sigmaMin : s[n - 1], sigmaMax != null ? sigmaMax : s[0], n);
			for (int i = 0; i < n; i++) t[i] = TimestepSchedules.sigmaToT(s[i], logSigmas);
		}
		sigmas = new float[n + 1];
		timesteps = new float[n];
		for (int i = 0; i < n; i++) {
			sigmas[i] = (float) s[i];
			timesteps[i] = (float) t[i];
		}
		sigmas[n] = finalSigmaMin ? train[0] : 0f;
		stepIndex = null;
		beginIndex = null;
	}

	/** The sigmas of the current schedule, one more than timesteps (the last is 0 or σ<sub>min</sub>). */
	public float[] sigmas() {
		return sigmas.clone();
	}

	@Override
	public float initNoiseSigma() {
		float max = 0;
		for (float s : sigmas) max = Math.max(max, s);
		if (timestepSpacing.equals("linspace") || timestepSpacing.equals("trailing")) return max;
		return sqrt(max * max + 1f);
	}

	@Override
	public void setBeginIndex(int beginIndex) {
		this.beginIndex = beginIndex;
	}

	/** diffusers' {@code index_for_timestep} of this scheduler: an absent timestep is an error. */
	private int indexForTimestep(float timestep) {
		int i = indexOf(timestep);
		if (i < 0) throw new IllegalArgumentException("Timestep " + timestep + " is not in the schedule.");
		return i;
	}

	private int stepIndex(float timestep) {
		if (stepIndex == null) stepIndex = beginIndex != null ? beginIndex : indexForTimestep(timestep);
		return stepIndex;
	}

	@Override
	public NDArray scaleModelInput(NDArray sample, float timestep) {
		float sigma = sigmas[stepIndex(timestep)];
		return sample.div(sqrt(sigma * sigma + 1f));
	}

	@Override
	public SchedulerOutput step(NDArray modelOutput, float timestep, NDArray sample, NoiseSource noise) {
		int i = stepIndex(timestep);
		NDManager m = modelOutput.getManager();
		sample = StepMath.local(sample, m);
		float sigma = sigmas[i];
		float sigmaHat = sigma; // no churn: γ = 0
		NDArray predOriginal;
		switch (predictionType) {
			case EPSILON:
				predOriginal = modelOutput.mul(sigmaHat).neg().add(sample);
				break;
			case SAMPLE:
				predOriginal = modelOutput.duplicate();
				break;
			default:
				predOriginal = modelOutput.mul(-sigma / sqrt(sigma * sigma + 1f)).add(sample.div(sigma * sigma + 1f));
		}
		NDArray derivative = predOriginal.neg().add(sample).div(sigmaHat);
		float dt = sigmas[i + 1] - sigmaHat;
		NDArray prev = derivative.mul(dt).add(sample);
		stepIndex = i + 1;
		return new SchedulerOutput(prev, predOriginal);
	}

	/** x₀ + σ ε with σ of each timestep's place in the schedule (diffusers' sigma-space {@code add_noise}). */
	@Override
	public NDArray addNoise(NDArray originalSamples, NDArray noise, float[] timesteps) {
		float[] one = new float[timesteps.length];
		float[] sigma = new float[timesteps.length];
		for (int k = 0; k < timesteps.length; k++) {
			one[k] = 1f;
			sigma[k] = sigmas[noiseIndex(timesteps[k])];
		}
		return StepMath.combine(originalSamples, one, noise, sigma);
	}

	private int noiseIndex(float timestep) {
		if (beginIndex == null) return indexForTimestep(timestep);
		return stepIndex != null ? stepIndex : beginIndex;
	}

	/**
	 * As diffusers' {@code EulerDiscreteScheduler.get_velocity}, which indexes {@code alphas_cumprod} by the
	 * timestep's position in the inference schedule (not by the timestep itself); kept identical so that
	 * training targets agree with diffusers.
	 */
	@Override
	public NDArray getVelocity(NDArray sample, NDArray noise, float[] timesteps) {
		float[] acp = schedule.alphasCumprod();
		float[] a = new float[timesteps.length], b = new float[timesteps.length];
		for (int k = 0; k < timesteps.length; k++) {
			float ac = acp[indexForTimestep(timesteps[k])];
			a[k] = sqrt(ac);
			b[k] = -sqrt(1f - ac);
		}
		return StepMath.combine(noise, a, sample, b);
	}
}
