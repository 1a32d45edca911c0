package org.diffusionij.schedulers;

import static org.diffusionij.schedulers.StepMath.sqrt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.diffusionij.engine.NoiseSource;
import org.diffusionij.io.ConfigJson;

/**
 * Diffusers' {@code DDPMScheduler} (Ho et al. 2020): ancestral sampling with the posterior mean of formula (7)
 * and fresh Gaussian noise at every step but the last. {@code variance_type} {@code fixed_small},
 * {@code fixed_small_log}, {@code fixed_large}, {@code learned} and {@code learned_range} (the network then
 * outputs twice the channels); {@code clip_sample} with {@code clip_sample_range}; all timestep spacings.
 * Not implemented, and refused by name: {@code thresholding}, {@code fixed_large_log} (whose square root of a
 * negative log is NaN in diffusers too).
 */
public final class DDPMScheduler extends ConfiguredScheduler {

	public static final String CLASS_NAME = "DDPMScheduler";

	private final String varianceType;
	private final boolean clipSample;
	private final float clipSampleRange;
	private final PredictionType predictionType;
	private final String timestepSpacing;
	private final int stepsOffset;
	private boolean inference;

	public DDPMScheduler(ConfigJson config) {
		super(CLASS_NAME, config, true, false);
		varianceType = reader.getString("variance_type", "fixed_small", "fixed_small", "fixed_small_log",
			"fixed_large", "learned", "learned_range");
		clipSample = reader.getBoolean("clip_sample", true);
		predictionType = PredictionType.of(reader.getString("prediction_type", "epsilon", "epsilon",
			"v_prediction", "sample"), reader.source());
		reader.requireOff("thresholding");
		reader.getDouble("dynamic_thresholding_ratio", 0.995);
		clipSampleRange = (float) reader.getDouble("clip_sample_range", 1.0);
		reader.getDouble("sample_max_value", 1.0);
		timestepSpacing = reader.getString("timestep_spacing", "leading", "linspace", "leading", "trailing");
		stepsOffset = reader.getInt("steps_offset", 0);
		int n = schedule.numTrainTimesteps;
		timesteps = new float[n];
		for (int i = 0; i < n; i++) timesteps[i] = n - 1 - i;
	}

	@Override
	public PredictionType predictionType() {
		return predictionType;
	}

	@Override
	public void setTimesteps(int numInferenceSteps) {
		setDescendingTimesteps(numInferenceSteps, timestepSpacing, stepsOffset);
		inference = true;
	}

	/** diffusers' {@code previous_timestep}: the next entry of the schedule, −1 after the last. */
	private int previousTimestep(int t) {
		if (!inference) return t - 1;
		for (int i = 0; i < timesteps.length; i++) {
			if (timesteps[i] == t) return i == timesteps.length - 1 ? -1 : (int) timesteps[i + 1];
		}
		throw new IllegalArgumentException("Timestep " + t + " is not in the schedule set by setTimesteps.");
	}

	@Override
	public SchedulerOutput step(NDArray modelOutput, float timestep, NDArray sample, NoiseSource noise) {
		int t = StepMath.trainIndex(timestep, schedule.numTrainTimesteps);
		int prevT = previousTimestep(t);
		NDManager m = modelOutput.getManager();
		sample = StepMath.local(sample, m);
		NDArray predictedVariance = null;
		long channels = sample.getShape().get(1);
		boolean learned = varianceType.startsWith("learned");
		if (learned && modelOutput.getShape().get(1) == channels * 2) {
			NDList parts = modelOutput.split(2, 1);
			modelOutput = parts.get(0);
			predictedVariance = parts.get(1);
		}
		else if (learned) throw new IllegalArgumentException("variance_type " + varianceType +
			" needs a model output with twice the sample's " + channels + " channels.");

		float alphaProdT = schedule.alphaCumprod(t);
		float alphaProdTPrev = prevT >= 0 ? schedule.alphaCumprod(prevT) : 1f;
		float betaProdT = 1f - alphaProdT;
		float betaProdTPrev = 1f - alphaProdTPrev;
		float currentAlphaT = alphaProdT / alphaProdTPrev;
		float currentBetaT = 1f - currentAlphaT;

		NDArray predOriginal = predictionType.originalSample(modelOutput, sample, sqrt(alphaProdT), sqrt(betaProdT));
		if (clipSample) predOriginal = predOriginal.clip(-clipSampleRange, clipSampleRange);

		float predOriginalCoeff = sqrt(alphaProdTPrev) * currentBetaT / betaProdT;
		float currentSampleCoeff = sqrt(currentAlphaT) * betaProdTPrev / betaProdT;
		NDArray prev = predOriginal.mul(predOriginalCoeff).add(sample.mul(currentSampleCoeff));

		if (t > 0) {
			NDArray z = noise.randn(m, modelOutput.getShape());
			float variance = variance(alphaProdT, alphaProdTPrev, currentBetaT);
			NDArray v;
			switch (varianceType) {
				case "fixed_small_log":
					v = z.mul((float) Math.exp(0.5f * (float) Math.log(variance)));
					break;
				case "learned_range": {
					float minLog = (float) Math.log(variance), maxLog = (float) Math.log(currentBetaT);
					NDArray frac = predictedVariance.add(1f).div(2f);
					NDArray logVar = frac.mul(maxLog).add(frac.neg().add(1f).mul(minLog));
					v = logVar.mul(0.5f).exp().mul(z);
					break;
				}
				case "learned":
					v = predictedVariance.sqrt().mul(z);
					break;
				default:
					v = z.mul(sqrt(variance));
			}
			prev = prev.add(v);
		}
		return new SchedulerOutput(prev, predOriginal);
	}

	/** {@code _get_variance} for the fixed types (clamped at 1e-20; {@code fixed_large} uses β<sub>t</sub>). */
	private float variance(float alphaProdT, float alphaProdTPrev, float currentBetaT) {
		if (varianceType.equals("fixed_large")) return currentBetaT;
		float v = (1f - alphaProdTPrev) / (1f - alphaProdT) * currentBetaT;
		return Math.max(v, 1e-20f);
	}
}
