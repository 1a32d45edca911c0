package org.diffusionij.pipelines;

/**
 * Progress of Denoise Image counted in network calls over all planes, tiles and steps, so the bar moves
 * evenly whatever the mode; cancelling is checked after every call. The {@link Tiler} gets this object too:
 * its per-tile steps are ignored (the calls are counted instead), its cancellation checks pass through.
 */
final class CallCounter implements Progress {

	private final Progress progress;
	private final long total;
	private long done;

	CallCounter(Progress progress, long total) {
		this.progress = progress;
		this.total = total;
	}

	/** One network call is done. */
	void called() {
		progress.step(++done, total);
		progress.checkCancelled();
	}

	@Override
	public void status(String message) {
		progress.status(message);
	}

	/** Ignored: progress is counted in {@link #called()}. */
	@Override
	public void step(long d, long t) {}

	@Override
	public boolean isCancelled() {
		return progress.isCancelled();
	}
}
