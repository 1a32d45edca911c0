package org.diffusionij.schedulers;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.diffusionij.io.ConfigJson;

/**
 * What every scheduler here shares: its diffusers class name, the config it was read from (written back with
 * {@link #config()}, as diffusers' {@code save_config} does), its beta schedule and its current timesteps; and
 * the defaults of the schedulers that work on unscaled samples (initial noise σ 1, no input scaling).
 */
abstract class ConfiguredScheduler implements Scheduler {

	private final String className;
	protected final ConfigReader reader;
	protected final BetaSchedule schedule;
	/** The current schedule's timesteps (training timesteps until {@code setTimesteps}). */
	protected float[] timesteps = new float[0];

	/** Reads the beta schedule of {@code config}; the flags are {@link BetaSchedule}'s. */
	ConfiguredScheduler(String className, ConfigJson config, boolean hasRescale, boolean finiteTerminalSigma) {
		this.className = className;
		this.reader = new ConfigReader(config);
		this.schedule = new BetaSchedule(reader, hasRescale, finiteTerminalSigma);
	}

	@Override
	public final String className() {
		return className;
	}

	@Override
	public final JsonObject config() {
		return reader.toJson(className);
	}

	@Override
	public final BetaSchedule schedule() {
		return schedule;
	}

	@Override
	public final float[] timesteps() {
		return timesteps.clone();
	}

	@Override
	public float initNoiseSigma() {
		return 1f;
	}

	@Override
	public NDArray scaleModelInput(NDArray sample, float timestep) {
		return sample;
	}

	/** Refuses a step count outside 1 … num_train_timesteps, as every scheduler here must. */
	protected final void checkStepCount(int n) {
		if (n < 1 || n > schedule.numTrainTimesteps) throw new IllegalArgumentException("Steps must be between 1 " +
			"and num_train_timesteps (" + schedule.numTrainTimesteps + "), not " + n + ".");
	}

	/** Sets {@link #timesteps} to the integer schedule of {@code n} steps ({@link TimestepSchedules#descending}). */
	protected final void setDescendingTimesteps(int n, String spacing, int stepsOffset) {
		checkStepCount(n);
		long[] t = TimestepSchedules.descending(spacing, schedule.numTrainTimesteps, n, stepsOffset);
		timesteps = new float[t.length];
		for (int i = 0; i < t.length; i++) timesteps[i] = t[i];
	}

	/**
	 * diffusers' {@code index_for_timestep}: the position of {@code timestep} in the current schedule, the second
	 * one when it repeats (so image-to-image starts right), or −1 when it is absent.
	 */
	protected final int indexOf(float timestep) {
		int first = -1;
		for (int i = 0; i < timesteps.length; i++) {
			if (timesteps[i] != timestep) continue;
			if (first >= 0) return i;
			first = i;
		}
		return first;
	}
}
