package org.diffusionij.pipelines;

/**
 * Progress of Denoise Image counted in network calls over all planes, tiles and steps, so the bar moves
 * evenly whatever the mode; cancelling is checked after every call.
 */
final class CallCounter {

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
}
