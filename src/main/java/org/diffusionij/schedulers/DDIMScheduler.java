package org.diffusionij.schedulers;

import static org.diffusionij.schedulers.StepMath.sqrt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.diffusionij.engine.NoiseSource;
import org.diffusionij.io.ConfigJson;

/**
 * Diffusers' {@code DDIMScheduler} (Song et al. 2021): deterministic for {@code eta} 0, the stochasticity of
 * DDPM for {@code eta} 1. {@code clip_sample} with {@code clip_sample_range}, {@code set_alpha_to_one},
 * {@code timestep_spacing} {@code leading}/{@code trailing}/{@code linspace}, {@code steps_offset},
 * {@code rescale_betas_zero_snr}, all prediction types. Not implemented, and refused by name:
 * {@code thresholding}.
 */
public final class DDIMScheduler extends ConfiguredScheduler {

	public static final String CLASS_NAME = "DDIMScheduler";

	private final boolean clipSample;
	private final float clipSampleRange;
	private final float finalAlphaCumprod;
	private final int stepsOffset;
	private final PredictionType predictionType;
	private final String timestepSpacing;
	private int numInferenceSteps;
	private float eta;

	public DDIMScheduler(ConfigJson config) {
		super(CLASS_NAME, config, true, false);
		clipSample = reader.getBoolean("clip_sample", true);
		boolean setAlphaToOne = reader.getBoolean("set_alpha_to_one", true);
		stepsOffset = reader.getInt("steps_offset", 0);
		predictionType = PredictionType.of(reader.getString("prediction_type", "epsilon", "epsilon",
			"v_prediction", "sample"), reader.source());
		reader.requireOff("thresholding");
		reader.getDouble("dynamic_thresholding_ratio", 0.995);
		clipSampleRange = (float) reader.getDouble("clip_sample_range", 1.0);
		reader.getDouble("sample_max_value", 1.0);
		timestepSpacing = reader.getString("timestep_spacing", "leading", "linspace", "leading", "trailing");
		finalAlphaCumprod = setAlphaToOne ? 1f : schedule.alphaCumprod(0);
		int n = schedule.numTrainTimesteps;
		timesteps = new float[n];
		for (int i = 0; i < n; i++) timesteps[i] = n - 1 - i;
	}

	/**
	 * The {@code eta} that diffusers passes to every {@code step}: 0 (the default, deterministic DDIM, and all
	 * that the plugin uses) to 1 (DDPM-like noise). Set only by the reference tests, which compare eta 0.5 with
	 * diffusers.
	 */
	void setEta(float eta) {
		if (!(eta >= 0)) throw new IllegalArgumentException("eta must be ≥ 0, not " + eta + ".");
		this.eta = eta;
	}

	@Override
	public PredictionType predictionType() {
		return predictionType;
	}

	@Override
	public void setTimesteps(int numInferenceSteps) {
		setDescendingTimesteps(numInferenceSteps, timestepSpacing, stepsOffset);
		this.numInferenceSteps = numInferenceSteps;
	}

	@Override
	public SchedulerOutput step(NDArray modelOutput, float timestep, NDArray sample, NoiseSource noise) {
		if (numInferenceSteps == 0) throw new IllegalStateException("Call setTimesteps before step.");
		int t = StepMath.trainIndex(timestep, schedule.numTrainTimesteps);
		int prevT = t - schedule.numTrainTimesteps / numInferenceSteps;
		NDManager m = modelOutput.getManager();
		sample = StepMath.local(sample, m);

		float alphaProdT = schedule.alphaCumprod(t);
		float alphaProdTPrev = prevT >= 0 ? schedule.alphaCumprod(prevT) : finalAlphaCumprod;
		float betaProdT = 1f - alphaProdT;

		NDArray predOriginal = predictionType.originalSample(modelOutput, sample, sqrt(alphaProdT), sqrt(betaProdT));
		NDArray predEpsilon = predictionType.epsilon(modelOutput, sample, sqrt(alphaProdT), sqrt(betaProdT));
		if (clipSample) predOriginal = predOriginal.clip(-clipSampleRange, clipSampleRange);

		float betaProdTPrev = 1f - alphaProdTPrev;
		float variance = betaProdTPrev / betaProdT * (1f - alphaProdT / alphaProdTPrev);
		float stdDevT = eta * sqrt(variance);
		NDArray direction = predEpsilon.mul(sqrt(1f - alphaProdTPrev - stdDevT * stdDevT));
		NDArray prev = predOriginal.mul(sqrt(alphaProdTPrev)).add(direction);
		if (eta > 0) prev = prev.add(noise.randn(m, modelOutput.getShape()).mul(stdDevT));
		return new SchedulerOutput(prev, predOriginal);
	}
}
