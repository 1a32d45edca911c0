package org.diffusionij.host;

import ij.IJ;
import org.diffusionij.pipelines.Progress;

/**
 * Pipeline progress for plain ImageJ 1: the message and step count in {@code IJ.showStatus}, the bar in
 * {@code IJ.showProgress}, and Esc ({@code IJ.escapePressed()}) cancels. Creating one clears an Esc pressed
 * before the run, so an old key press does not cancel a new run.
 */
public final class IJProgress implements Progress {

	private volatile String message = "";

	public IJProgress() {
		IJ.resetEscape();
	}

	@Override
	public void status(String text) {
		message = text == null ? "" : text;
		IJ.showStatus(message);
	}

	@Override
	public void step(long done, long total) {
		IJ.showStatus((message.isEmpty() ? "" : message + " ") + done + "/" + total);
		IJ.showProgress(total > 0 ? (double) done / total : 1.0);
	}

	@Override
	public boolean isCancelled() {
		return IJ.escapePressed();
	}
}
