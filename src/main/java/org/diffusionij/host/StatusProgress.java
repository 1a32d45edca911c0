package org.diffusionij.host;

import org.diffusionij.pipelines.Progress;
import org.scijava.Cancelable;
import org.scijava.app.StatusService;

/**
 * Pipeline progress shown in Fiji's status bar through SciJava's {@link StatusService}, cancelled through the
 * running command's {@link Cancelable} (its {@code isCanceled()}), so pipelines stay free of SciJava.
 * Counts beyond {@code int} are scaled down, since the status bar takes ints.
 */
public final class StatusProgress implements Progress {

	private final StatusService statusService;
	private final Cancelable cancelable;
	private volatile String message = "";

	/**
	 * @param statusService where progress goes (Fiji's status bar)
	 * @param cancelable the command whose cancellation stops the pipeline, or null when it cannot be cancelled
	 */
	public StatusProgress(StatusService statusService, Cancelable cancelable) {
		this.statusService = statusService;
		this.cancelable = cancelable;
	}

	@Override
	public void status(String text) {
		message = text == null ? "" : text;
		statusService.showStatus(message);
	}

	@Override
	public void step(long done, long total) {
		long scale = total > Integer.MAX_VALUE ? total / Integer.MAX_VALUE + 1 : 1;
		statusService.showStatus((int) (done / scale), (int) (total / scale), message);
	}

	@Override
	public boolean isCancelled() {
		return cancelable != null && cancelable.isCanceled();
	}
}
