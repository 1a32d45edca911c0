package org.diffusionij.host;

import ij.IJ;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.pipelines.CancelledException;
import org.diffusionij.pipelines.Progress;
import org.scijava.Cancelable;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.ui.DialogPrompt;
import org.scijava.ui.UIService;

/**
 * Base of every Plugins › Diffusion command. It runs the work with the plugin's class loader as the thread's
 * context class loader (DJL and SciJava find their services through it, and Fiji and ImageJ 1 load plugins in
 * their own loaders), and turns any failure into a message for the user instead of a stack trace: a dialog
 * when a user interface is showing, the log otherwise. A failed or cancelled run is reported through
 * {@link Cancelable}, so SciJava stops its post-processing and the hosts (launcher, ImageJ 1 entries) can
 * report it in their own way.
 * <p>
 * Convention for the macro keys: {@code @Parameter} field names are lower case words joined by underscores
 * ({@code steps}, {@code tile_size}), because ImageJ compares macro keys in lower case and Fiji maps a macro
 * key onto the input of the same name. A command that takes the active image names it {@value #IMAGE}; one that
 * returns an image names it {@value #RESULT}, which the hosts show or save.
 * <p>
 * Every command is declared {@code @Plugin(type = Command.class, menuPath = MENU + LABEL, headless = true,
 * visible = false)} with {@code persist = false} on every key, and has a {@code plugins.config} entry of the
 * same label: invisible, imagej-legacy leaves it out of ImageJ 1's menus, so Fiji too runs the
 * {@code plugins.config} entry ({@link org.diffusionij.host.ij1.DiffusionPlugIn}) and every host reads a macro
 * line the same way.
 */
public abstract class DiffusionCommand implements Command, Cancelable {

	/** Macro key of the input image. */
	public static final String IMAGE = "image";

	/** Name of the output image. */
	public static final String RESULT = "result";

	/** The menu path of every command; a command's label is the last entry. */
	public static final String MENU = "Plugins>Diffusion>";

	@Parameter(required = false)
	private LogService log;

	@Parameter(required = false)
	private UIService ui;

	@Parameter(required = false)
	private StatusService status;

	private volatile String cancelReason;
	private boolean hostReportsErrors;

	/** The command's work; throw an exception with a message for the user when something is wrong. */
	protected abstract void execute();

	@Override
	public final void run() {
		if (isCanceled()) return; // cancelled before it started (the launcher stopping): nothing to undo
		try {
			DiffusionEngine.withPluginClassLoader(() -> {
				execute();
				return null;
			});
		}
		catch (CancelledException e) {
			cancel(e.getMessage());
		}
		catch (RuntimeException | LinkageError | OutOfMemoryError e) {
			String message = FailureMessage.of(e);
			cancel(message);
			if (log != null) log.debug(e);
			if (!hostReportsErrors) report(message);
		}
	}

	/**
	 * The progress of this run, by one rule for every command: where ImageJ 1 runs (plain ImageJ 1, Fiji's
	 * legacy layer) or no SciJava status service exists (the launcher), ImageJ's status bar and progress bar, and
	 * Esc cancels; otherwise SciJava's status bar. Cancelling the command (Fiji's task manager) always stops it.
	 */
	protected final Progress progress() {
		Progress shown = IJ.getInstance() != null || status == null ? new IJProgress() : new StatusProgress(status,
			null);
		return new Progress() {
			@Override
			public void status(String message) {
				shown.status(message);
			}

			@Override
			public void step(long done, long total) {
				shown.step(done, total);
			}

			@Override
			public boolean isCancelled() {
				return isCanceled() || shown.isCancelled();
			}
		};
	}

	/**
	 * Called by a host that shows failures itself (the launcher prints them on stderr, the ImageJ 1 entries
	 * show them in ImageJ's own way), so they are not reported twice.
	 */
	public void setHostReportsErrors(boolean hostReportsErrors) {
		this.hostReportsErrors = hostReportsErrors;
	}

	private void report(String message) {
		if (ui != null && !ui.isHeadless() && ui.isVisible()) {
			ui.showDialog(message, "Diffusion for ImageJ", DialogPrompt.MessageType.ERROR_MESSAGE);
		}
		else if (log != null) log.error(message);
		else System.err.println(message);
	}

	@Override
	public boolean isCanceled() {
		return cancelReason != null;
	}

	@Override
	public void cancel(String reason) {
		cancelReason = reason == null ? "Cancelled." : reason;
	}

	@Override
	public String getCancelReason() {
		return cancelReason;
	}
}
