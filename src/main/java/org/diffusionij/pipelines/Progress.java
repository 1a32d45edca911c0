package org.diffusionij.pipelines;

/**
 * How a pipeline reports progress and learns that the user cancelled. Pipelines call {@link #step} as work
 * advances and check {@link #isCancelled()} between steps; the host bridges this to Fiji's status bar or
 * ImageJ 1's progress bar and Esc key.
 */
public interface Progress {

	/** Nothing shown, never cancelled. */
	Progress NONE = new Progress() {
		@Override
		public void status(String message) {}

		@Override
		public void step(long done, long total) {}

		@Override
		public boolean isCancelled() {
			return false;
		}
	};

	/** A one-line message for the status bar. */
	void status(String message);

	/** {@code done} of {@code total} units are complete. */
	void step(long done, long total);

	/** True once the user asked to stop; the pipeline stops at the next step. */
	boolean isCancelled();

	/** This progress with {@code prefix} before every status message (one file of a batch, for example). */
	default Progress prefixed(String prefix) {
		Progress outer = this;
		return new Progress() {
			@Override
			public void status(String message) {
				outer.status(prefix + message);
			}

			@Override
			public void step(long done, long total) {
				outer.step(done, total);
			}

			@Override
			public boolean isCancelled() {
				return outer.isCancelled();
			}
		};
	}

	/** Throws {@link CancelledException} if the user cancelled. */
	default void checkCancelled() {
		if (isCancelled()) throw new CancelledException();
	}
}
