package org.diffusionij.pipelines.train;

/** What a training run reports as it goes (the host draws the loss plot and the preview from it). */
public interface TrainingListener {

	TrainingListener NONE = new TrainingListener() {};

	/** After each optimisation step (1-based {@code step}). */
	default void trained(long step, double loss, double learningRate, double stepsPerSecond) {}

	/** After each validation (EMA weights). */
	default void validated(long step, double validationLoss) {}

	/** After a checkpoint was written. */
	default void checkpointed(long step) {}
}
