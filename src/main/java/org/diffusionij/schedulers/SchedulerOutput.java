package org.diffusionij.schedulers;

import ai.djl.ndarray.NDArray;

/**
 * What {@link Scheduler#step} returns, as diffusers' {@code SchedulerOutput}: the sample at the previous
 * timestep and, for schedulers that compute it (DDPM, DDIM, Euler), the predicted clean sample x̂₀, which a
 * denoiser can show as a preview or use directly.
 */
public final class SchedulerOutput {

	/** x<sub>t−1</sub>, the next input of the denoising loop. */
	public final NDArray prevSample;
	/** x̂₀ predicted at this step, or null where diffusers does not return it (PNDM, DPM-Solver). */
	public final NDArray predOriginalSample;

	public SchedulerOutput(NDArray prevSample, NDArray predOriginalSample) {
		this.prevSample = prevSample;
		this.predOriginalSample = predOriginalSample;
	}
}
