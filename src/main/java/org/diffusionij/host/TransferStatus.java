package org.diffusionij.host;

import java.util.Locale;
import org.diffusionij.io.hub.TransferListener;
import org.diffusionij.pipelines.Progress;

/**
 * A Hub transfer in the status bar: the file, bytes done of the total and the rate ("Uploading unet/…: 3.2 of
 * 14.0 MiB, 2.1 MiB/s"), the progress bar, and Esc or the command's cancel stopping it.
 */
final class TransferStatus implements TransferListener {

	private final Progress progress;
	private final String verb;
	private final long start = System.nanoTime();

	TransferStatus(Progress progress, String verb) {
		this.progress = progress;
		this.verb = verb;
	}

	@Override
	public void progress(String file, long done, long total) {
		double seconds = (System.nanoTime() - start) / 1e9;
		double mib = 1 << 20;
		progress.status(total <= 0 ? verb + " " + file : String.format(Locale.ROOT, "%s %s: %.1f of %.1f MiB, %.1f MiB/s",
			verb, file, done / mib, total / mib, seconds > 0 ? done / mib / seconds : 0));
		if (total > 0) progress.step(done, total);
	}

	@Override
	public boolean isCancelled() {
		return progress.isCancelled();
	}
}
