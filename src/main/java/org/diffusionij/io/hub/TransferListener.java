package org.diffusionij.io.hub;

/** Receives download progress and may cancel a transfer (checked between chunks). */
public interface TransferListener {

	TransferListener NONE = new TransferListener() {
		@Override
		public void progress(String file, long done, long total) {}

		@Override
		public boolean isCancelled() {
			return false;
		}
	};

	/** {@code done} of {@code total} bytes of the whole download are present; {@code file} is the current one. */
	void progress(String file, long done, long total);

	boolean isCancelled();
}
