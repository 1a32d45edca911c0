package org.diffusionij.pipelines;

import ai.djl.ndarray.NDArray;

/**
 * Sees a reverse diffusion loop step by step, as {@link Progress} sees its progress: after every step the loop
 * hands over the new sample x<sub>t−1</sub> (diffusers' {@code prev_sample}) and the clean-image estimate x̂₀
 * made at the step's timestep (the scheduler's {@code pred_original_sample}, or the same from the model output
 * and {@code prediction_type} where the scheduler has none). Show Diffusion Process and the {@code keep_steps}
 * key of Generate Samples and Denoise Image keep them; the loop itself stays the one the results come from.
 * <p>
 * Both arrays are NCHW in the loop's values ([−1, 1] for a clean image) and live in the step's manager: they
 * are closed after the call, so an observer copies what it keeps (to the heap, {@link Floats#of}).
 */
@FunctionalInterface
public interface StepObserver {

	/** Keeps nothing; a loop with this observer computes nothing extra. */
	StepObserver NONE = (step, steps, timestep, sample, predictedOriginal) -> {};

	/**
	 * @param step the step just done, 0-based
	 * @param steps the number of steps of the loop
	 * @param timestep the timestep the step started from (fractional in Denoise Image)
	 * @param sample x after the step
	 * @param predictedOriginal x̂₀ predicted at {@code timestep}
	 */
	void stepped(int step, int steps, double timestep, NDArray sample, NDArray predictedOriginal);
}
