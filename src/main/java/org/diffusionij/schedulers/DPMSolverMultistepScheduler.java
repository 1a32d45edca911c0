package org.diffusionij.schedulers;

import static org.diffusionij.schedulers.StepMath.sqrt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import org.diffusionij.engine.NoiseSource;
import org.diffusionij.io.ConfigJson;

/**
 * Diffusers' {@code DPMSolverMultistepScheduler} with {@code algorithm_type} {@code dpmsolver++} (Lu et al.
 * 2022, "DPM-Solver++(2M)"): good images in 15–25 steps, the fast default. {@code solver_order} 1 or 2,
 * {@code solver_type} {@code midpoint}, {@code lower_order_final}, {@code euler_at_final},
 * {@code use_karras_sigmas}, {@code final_sigmas_type}, {@code lambda_min_clipped}, all timestep spacings,
 * {@code rescale_betas_zero_snr}, prediction types epsilon, v_prediction and sample. Not implemented, and
 * refused by name: third order, SDE and non-++ variants, heun, thresholding, learned variance, exponential,
 * beta, Lu-lambda and flow sigmas, dynamic shifting.
 */
public final class DPMSolverMultistepScheduler extends ConfiguredScheduler {

	public static final String CLASS_NAME = "DPMSolverMultistepScheduler";

	private final int solverOrder;
	private final PredictionType predictionType;
	private final boolean lowerOrderFinal, eulerAtFinal, useKarrasSigmas, finalSigmaMin;
	private final double lambdaMinClipped;
	private final String timestepSpacing;
	private final int stepsOffset;
	private final HeldArrays held = new HeldArrays();
	private final NDArray[] modelOutputs;
	private float[] sigmas;
	private int numInferenceSteps, lowerOrderNums;
	private Integer stepIndex, beginIndex;

	public DPMSolverMultistepScheduler(ConfigJson config) {
		super(CLASS_NAME, config, true, true);
		solverOrder = reader.getInt("solver_order", 2);
		if (solverOrder < 1 || solverOrder > 2) throw reader.unsupported("solver_order", solverOrder, "1, 2");
		predictionType = PredictionType.of(reader.getString("prediction_type", "epsilon", "epsilon",
			"v_prediction", "sample"), reader.source());
		reader.requireOff("thresholding");
		reader.getDouble("dynamic_thresholding_ratio", 0.995);
		reader.getDouble("sample_max_value", 1.0);
		reader.getString("algorithm_type", "dpmsolver++", "dpmsolver++");
		reader.getString("solver_type", "midpoint", "midpoint");
		lowerOrderFinal = reader.getBoolean("lower_order_final", true);
		eulerAtFinal = reader.getBoolean("euler_at_final", false);
		useKarrasSigmas = reader.getBoolean("use_karras_sigmas", false);
		for (String key : new String[] { "use_exponential_sigmas", "use_beta_sigmas", "use_lu_lambdas",
			"use_flow_sigmas" }) reader.requireOff(key);
		reader.getDouble("flow_shift", 1.0);
		finalSigmaMin = reader.getString("final_sigmas_type", "zero", "zero", "sigma_min").equals("sigma_min");
		lambdaMinClipped = reader.getDouble("lambda_min_clipped", Double.NEGATIVE_INFINITY);
		// diffusers tests variance_type only for the learned kinds; a DDPM config's fixed_* means "not learned"
		reader.getStringRefusing("variance_type", null, "null or a fixed_* value", "learned", "learned_range");
		timestepSpacing = reader.getString("timestep_spacing", "linspace", "linspace", "leading", "trailing");
		stepsOffset = reader.getInt("steps_offset", 0);
		reader.requireOff("use_dynamic_shifting");
		reader.getString("time_shift_type", "exponential", "exponential");
		modelOutputs = new NDArray[solverOrder];
		int n = schedule.numTrainTimesteps;
		float[] train = TimestepSchedules.trainSigmas(schedule.alphasCumprod());
		sigmas = train;
		double[] all = TimestepSchedules.linspace(0, n - 1, n);
		timesteps = new float[n];
		for (int i = 0; i < n; i++) timesteps[i] = (float) all[n - 1 - i];
	}

	@Override
	public PredictionType predictionType() {
		return predictionType;
	}

	@Override
	public void setTimesteps(int n) {
		int numTrain = schedule.numTrainTimesteps;
		checkStepCount(n);
		int last = numTrain - clippedIndex();
		long[] t = new long[n];
		switch (timestepSpacing) {
			case "linspace": {
				double[] l = TimestepSchedules.linspace(0, last - 1, n + 1);
				for (int i = 0; i < n; i++) t[i] = (long) Math.rint(l[n - i]);
				break;
			}
			case "leading": {
				int ratio = last / (n + 1);
				for (int i = 0; i < n; i++) t[i] = (long) (n - i) * ratio + stepsOffset;
				break;
			}
			default:
				t = TimestepSchedules.trailing(last, (double) numTrain / n, n);
		}
		float[] train = TimestepSchedules.trainSigmas(schedule.alphasCumprod());
		double[] s;
		if (useKarrasSigmas) {
			// n Karras sigmas whatever the spacing gave, and the timesteps that match them
			float[] logSigmas = TimestepSchedules.log(train);
			s = TimestepSchedules.karras(train[0], train[numTrain - 1], n);
			t = new long[n];
			for (int i = 0; i < n; i++) {
				double ti = TimestepSchedules.sigmaToT(s[i], logSigmas);
				t[i] = (long) (schedule.betaSchedule.equals("squaredcos_cap_v2") ? ti : Math.rint(ti));
			}
		}
		else {
			n = t.length; // trailing spacing below a clipped lambda can give fewer steps, as in diffusers
			s = new double[n];
			for (int i = 0; i < n; i++) s[i] = TimestepSchedules.interp(t[i], train);
		}
		sigmas = new float[n + 1];
		timesteps = new float[n];
		for (int i = 0; i < n; i++) {
			sigmas[i] = (float) s[i];
			timesteps[i] = t[i];
		}
		sigmas[n] = finalSigmaMin ? train[0] : 0f;
		numInferenceSteps = n;
		Arrays.fill(modelOutputs, null);
		held.close();
		lowerOrderNums = 0;
		stepIndex = null;
		beginIndex = null;
	}

	/** {@code searchsorted(flip(lambda_t), lambda_min_clipped)}: how many of the lowest-SNR steps are cut. */
	private int clippedIndex() {
		float[] acp = schedule.alphasCumprod();
		int count = 0;
		for (float a : acp) {
			float lambda = (float) Math.log(sqrt(a)) - (float) Math.log(sqrt(1f - a));
			if (lambda < lambdaMinClipped) count++;
		}
		return count;
	}

	/** The sigmas of the current schedule, one more than timesteps (the last is 0 or σ<sub>min</sub>). */
	public float[] sigmas() {
		return sigmas.clone();
	}

	@Override
	public void setBeginIndex(int beginIndex) {
		this.beginIndex = beginIndex;
	}

	/** diffusers' {@code index_for_timestep} of this scheduler: the last step when the timestep is absent. */
	private int indexForTimestep(float timestep) {
		int i = indexOf(timestep);
		return i >= 0 ? i : timesteps.length - 1;
	}

	@Override
	public SchedulerOutput step(NDArray modelOutput, float timestep, NDArray sample, NoiseSource noise) {
		if (numInferenceSteps == 0) throw new IllegalStateException("Call setTimesteps before step.");
		if (stepIndex == null) stepIndex = beginIndex != null ? beginIndex : indexForTimestep(timestep);
		int i = stepIndex;
		NDManager m = modelOutput.getManager();
		sample = StepMath.local(sample, m);
		int len = timesteps.length;
		boolean lowerFinal = i == len - 1 && (eulerAtFinal || (lowerOrderFinal && len < 15) || !finalSigmaMin);

		NDArray x0 = convertModelOutput(modelOutput, sample, sigmas[i]);
		if (modelOutputs[0] != null) modelOutputs[0].close();
		System.arraycopy(modelOutputs, 1, modelOutputs, 0, solverOrder - 1);
		modelOutputs[solverOrder - 1] = held.hold(x0);

		NDArray prev;
		// with solver_order ≤ 2, diffusers' lower_order_second case is the second-order update itself
		if (solverOrder == 1 || lowerOrderNums < 1 || lowerFinal) prev = firstOrderUpdate(x0, sample, i);
		else {
			prev = secondOrderUpdate(StepMath.local(modelOutputs[1], m), StepMath.local(modelOutputs[0], m), sample,
				i);
		}
		if (lowerOrderNums < solverOrder) lowerOrderNums++;
		stepIndex = i + 1;
		return new SchedulerOutput(prev, null);
	}

	/** The data prediction x̂₀ that DPM-Solver++ extrapolates. */
	private NDArray convertModelOutput(NDArray modelOutput, NDArray sample, float sigma) {
		float alphaT = alphaOf(sigma), sigmaT = sigma * alphaT;
		return predictionType.originalSample(modelOutput, sample, alphaT, sigmaT);
	}

	/** α<sub>t</sub> = 1/√(σ² + 1) of a variance-preserving σ. */
	private static float alphaOf(float sigma) {
		return 1f / sqrt(sigma * sigma + 1f);
	}

	/** λ = log α − log σ<sub>t</sub>, the half log-SNR. */
	private static float lambda(float sigma) {
		float alphaT = alphaOf(sigma);
		return (float) Math.log(alphaT) - (float) Math.log(sigma * alphaT);
	}

	/** {@code dpm_solver_first_order_update} for dpmsolver++ (DDIM in data-prediction form). */
	private NDArray firstOrderUpdate(NDArray x0, NDArray sample, int i) {
		float sigmaT = sigmas[i + 1], sigmaS = sigmas[i];
		float alphaT = alphaOf(sigmaT), sT = sigmaT * alphaT, sS = sigmaS * alphaOf(sigmaS);
		float h = lambda(sigmaT) - lambda(sigmaS);
		float expm = (float) Math.exp(-h) - 1f;
		return x0.mul(alphaT * expm).neg().add(sample.mul(sT / sS));
	}

	/** {@code multistep_dpm_solver_second_order_update}, dpmsolver++ with the midpoint rule. */
	private NDArray secondOrderUpdate(NDArray m0, NDArray m1, NDArray sample, int i) {
		float sigmaT = sigmas[i + 1], sigmaS0 = sigmas[i], sigmaS1 = sigmas[i - 1];
		float alphaT = alphaOf(sigmaT), sT = sigmaT * alphaT, sS0 = sigmaS0 * alphaOf(sigmaS0);
		float lambdaT = lambda(sigmaT), lambdaS0 = lambda(sigmaS0), lambdaS1 = lambda(sigmaS1);
		float h = lambdaT - lambdaS0, h0 = lambdaS0 - lambdaS1;
		float r0 = h0 / h;
		NDArray d1 = m0.sub(m1).mul(1f / r0);
		float expm = (float) Math.exp(-h) - 1f;
		NDArray x = m0.mul(alphaT * expm).neg().add(sample.mul(sT / sS0));
		return d1.mul(0.5f * (alphaT * expm)).neg().add(x);
	}

	/** α<sub>t</sub> x₀ + σ<sub>t</sub> ε at each timestep's place in the schedule, as diffusers' DPM-Solver. */
	@Override
	public NDArray addNoise(NDArray originalSamples, NDArray noise, float[] timesteps) {
		float[] a = new float[timesteps.length], s = new float[timesteps.length];
		for (int k = 0; k < timesteps.length; k++) {
			int idx = beginIndex == null ? indexForTimestep(timesteps[k]) : stepIndex != null ? stepIndex : beginIndex;
			a[k] = alphaOf(sigmas[idx]);
			s[k] = sigmas[idx] * a[k];
		}
		return StepMath.combine(originalSamples, a, noise, s);
	}

	@Override
	public void close() {
		Arrays.fill(modelOutputs, null);
		held.close();
	}
}
