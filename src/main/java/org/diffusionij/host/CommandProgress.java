package org.diffusionij.host;

import org.diffusionij.pipelines.Progress;
import org.scijava.Cancelable;

/**
 * Progress for a command that runs without Fiji's status bar (the launcher, tests): shows nothing, and stops
 * the pipeline when the command is cancelled.
 */
final class CommandProgress implements Progress {

	private final Cancelable command;

	CommandProgress(Cancelable command) {
		this.command = command;
	}

	@Override
	public void status(String message) {}

	@Override
	public void step(long done, long total) {}

	@Override
	public boolean isCancelled() {
		return command.isCanceled();
	}
}
