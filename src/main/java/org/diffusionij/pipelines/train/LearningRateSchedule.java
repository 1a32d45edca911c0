package org.diffusionij.pipelines.train;

/**
 * Linear warm-up followed by a cosine decay to zero, as diffusers' {@code get_cosine_schedule_with_warmup}
 * (half a cosine period).
 */
public final class LearningRateSchedule {

	private final double peak;
	private final long warmup, total;

	public LearningRateSchedule(double peak, long warmupSteps, long totalSteps) {
		this.peak = peak;
		this.warmup = warmupSteps;
		this.total = totalSteps;
	}

	/** The learning rate for 0-based optimisation step {@code step}. */
	public double at(long step) {
		if (step < warmup) return peak * step / Math.max(1, warmup);
		double progress = (double) (step - warmup) / Math.max(1, total - warmup);
		return peak * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
	}
}
