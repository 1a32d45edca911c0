package org.diffusionij.schedulers;

import static org.diffusionij.schedulers.StepMath.sqrt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.diffusionij.engine.NoiseSource;
import org.diffusionij.io.ConfigJson;

/**
 * Diffusers' {@code PNDMScheduler} (Liu et al. 2022), Stable Diffusion 1.x's default: linear multistep (PLMS)
 * updates from the last up to four noise predictions. With {@code skip_prk_steps}, as Stable Diffusion configs
 * set it, the first step is taken twice (N steps make N + 1 network calls, e.g. timesteps
 * [801, 601, 601, 401, 201, 1] for 5 steps); without it (diffusers' default) three Runge–Kutta steps of four
 * calls each start the multistep history (N + 9 calls, at least 4 steps).
 */
public final class PNDMScheduler extends ConfiguredScheduler {

	public static final String CLASS_NAME = "PNDMScheduler";

	private final float finalAlphaCumprod;
	private final PredictionType predictionType;
	private final String timestepSpacing;
	private final int stepsOffset;
	private final HeldArrays held = new HeldArrays();
	private final List<NDArray> ets = new ArrayList<>();
	private int numInferenceSteps;
	private int counter;
	private final boolean skipPrkSteps;
	private int prkSteps;
	private NDArray curSample, curModelOutput;

	public PNDMScheduler(ConfigJson config) {
		super(CLASS_NAME, config, false, false);
		skipPrkSteps = reader.getBoolean("skip_prk_steps", false);
		boolean setAlphaToOne = reader.getBoolean("set_alpha_to_one", false);
		predictionType = PredictionType.of(reader.getString("prediction_type", "epsilon", "epsilon",
			"v_prediction"), reader.source());
		timestepSpacing = reader.getString("timestep_spacing", "leading", "linspace", "leading", "trailing");
		stepsOffset = reader.getInt("steps_offset", 0);
		finalAlphaCumprod = setAlphaToOne ? 1f : schedule.alphaCumprod(0);
	}

	@Override
	public PredictionType predictionType() {
		return predictionType;
	}

	@Override
	public void setTimesteps(int numInferenceSteps) {
		int min = skipPrkSteps ? 2 : 4;
		if (numInferenceSteps < min || numInferenceSteps > schedule.numTrainTimesteps) {
			throw new IllegalArgumentException("PNDM needs between " + min + " and num_train_timesteps (" +
				schedule.numTrainTimesteps + ") steps, not " + numInferenceSteps + ".");
		}
		long[] d = TimestepSchedules.descending(timestepSpacing, schedule.numTrainTimesteps, numInferenceSteps,
			stepsOffset);
		timesteps = skipPrkSteps ? plmsOnly(d) : prkThenPlms(d, schedule.numTrainTimesteps / numInferenceSteps / 2);
		prkSteps = skipPrkSteps ? 0 : 12;
		this.numInferenceSteps = numInferenceSteps;
		reset();
	}

	/**
	 * {@code concat(_timesteps[:-1], _timesteps[-2:-1], _timesteps[-1:])[::-1]}: the descending schedule with
	 * its second timestep repeated.
	 */
	private static float[] plmsOnly(long[] d) {
		float[] out = new float[d.length + 1];
		out[0] = d[0];
		for (int i = 1; i <= d.length; i++) out[i] = d[Math.max(1, i - 1)];
		return out;
	}

	/**
	 * Diffusers' {@code prk_timesteps} — the four largest timesteps and their half-way points, each inner one
	 * twice: {@code (last4.repeat(2) + tile([0, half]))[:-1].repeat(2)[1:-1][::-1]} — then
	 * {@code plms_timesteps = _timesteps[:-3][::-1]}.
	 */
	private static float[] prkThenPlms(long[] d, long half) {
		long[] points = new long[8];
		for (int k = 0; k < 4; k++) {
			points[2 * k] = d[3 - k];
			points[2 * k + 1] = d[3 - k] + half;
		}
		float[] out = new float[12 + d.length - 3];
		for (int i = 0; i < 12; i++) out[i] = points[(12 - i) / 2];
		for (int i = 3; i < d.length; i++) out[12 + i - 3] = d[i];
		return out;
	}

	private void reset() {
		ets.clear();
		curSample = null;
		curModelOutput = null;
		counter = 0;
		held.close();
	}

	@Override
	public SchedulerOutput step(NDArray modelOutput, float timestep, NDArray sample, NoiseSource noise) {
		if (numInferenceSteps == 0) throw new IllegalStateException("Call setTimesteps before step.");
		NDArray prev = counter < prkSteps ? stepPrk(modelOutput, timestep, sample) : stepPlms(modelOutput, timestep,
			sample);
		counter++;
		return new SchedulerOutput(prev, null);
	}

	/** diffusers' {@code step_prk}: one of the four calls of a Runge–Kutta step (weights 1/6, 1/3, 1/3, 1/6). */
	private NDArray stepPrk(NDArray modelOutput, float timestep, NDArray sample) {
		NDManager m = modelOutput.getManager();
		int half = schedule.numTrainTimesteps / numInferenceSteps / 2;
		int prevT = StepMath.trainIndex(timestep, schedule.numTrainTimesteps) - (counter % 2 == 1 ? 0 : half);
		int t = (int) timesteps[counter / 4 * 4];
		NDArray eps = modelOutput;
		switch (counter % 4) {
			case 0:
				curModelOutput = held.hold(modelOutput.mul((float) (1.0 / 6)));
				ets.add(held.hold(modelOutput));
				curSample = held.hold(sample);
				break;
			case 3:
				eps = StepMath.local(curModelOutput, m).add(modelOutput.mul((float) (1.0 / 6)));
				curModelOutput.close();
				curModelOutput = null;
				break;
			default: {
				NDArray sum = StepMath.local(curModelOutput, m).add(modelOutput.mul((float) (1.0 / 3)));
				curModelOutput.close();
				curModelOutput = held.hold(sum);
			}
		}
		return prevSample(StepMath.local(curSample, m), t, prevT, eps);
	}

	/** diffusers' {@code step_plms}. */
	private NDArray stepPlms(NDArray modelOutput, float timestep, NDArray sample) {
		NDManager m = modelOutput.getManager();
		int ratio = schedule.numTrainTimesteps / numInferenceSteps;
		int t = StepMath.trainIndex(timestep, schedule.numTrainTimesteps);
		int prevT = t - ratio;
		if (counter != 1) {
			while (ets.size() > 3) ets.remove(0).close();
			ets.add(held.hold(modelOutput));
		}
		else {
			prevT = t;
			t = t + ratio;
		}
		NDArray eps;
		NDArray firstSample = null;
		if (ets.size() == 1 && counter == 0) {
			eps = modelOutput;
			curSample = held.hold(sample);
		}
		else if (ets.size() == 1 && counter == 1) {
			// the repeated first timestep: average both predictions and restart from the first sample
			eps = modelOutput.add(et(1, m)).div(2f);
			sample = firstSample = curSample;
			curSample = null;
		}
		else if (ets.size() == 2) eps = et(1, m).mul(3f).sub(et(2, m)).div(2f);
		else if (ets.size() == 3) eps = et(1, m).mul(23f).sub(et(2, m).mul(16f)).add(et(3, m).mul(5f)).div(12f);
		else eps = et(1, m).mul(55f).sub(et(2, m).mul(59f)).add(et(3, m).mul(37f)).sub(et(4, m).mul(9f))
			.mul((float) (1.0 / 24));
		NDArray prev = prevSample(StepMath.local(sample, m), t, prevT, eps);
		if (firstSample != null) firstSample.close();
		return prev;
	}

	/** The k-th most recent noise prediction, copied into {@code m} so arithmetic on it stays there. */
	private NDArray et(int k, NDManager m) {
		return StepMath.local(ets.get(ets.size() - k), m);
	}

	/** diffusers' {@code _get_prev_sample}, formula (9) of the PNDM paper. */
	private NDArray prevSample(NDArray sample, int t, int prevT, NDArray eps) {
		float alphaProdT = schedule.alphaCumprod(t);
		float alphaProdTPrev = prevT >= 0 ? schedule.alphaCumprod(prevT) : finalAlphaCumprod;
		float betaProdT = 1f - alphaProdT;
		float betaProdTPrev = 1f - alphaProdTPrev;
		eps = predictionType.epsilon(eps, sample, sqrt(alphaProdT), sqrt(betaProdT));
		float sampleCoeff = sqrt(alphaProdTPrev / alphaProdT);
		float denom = alphaProdT * sqrt(betaProdTPrev) + sqrt(alphaProdT * betaProdT * alphaProdTPrev);
		return eps.mul(alphaProdTPrev - alphaProdT).div(denom).neg().add(sample.mul(sampleCoeff));
	}

	@Override
	public void close() {
		reset();
	}
}
