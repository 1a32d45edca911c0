package org.diffusionij.host;

import ai.djl.ndarray.NDArray;
import ij.IJ;
import ij.ImagePlus;
import ij.macro.Interpreter;
import java.awt.GraphicsEnvironment;
import org.diffusionij.pipelines.sd.StepPreview;

/**
 * Generate from Prompt's preview in ImageJ's GUI: one window, updated with each preview the pipeline sends and
 * closed when the run ends. None in headless runs, batch-mode macros or without ImageJ's main window.
 */
final class PreviewWindow implements StepPreview, AutoCloseable {

	private final String title;
	private ImagePlus window;

	private PreviewWindow(String title) {
		this.title = title;
	}

	/** A preview for an interactive ImageJ session, else null. */
	static PreviewWindow forGui(String prompt) {
		if (GraphicsEnvironment.isHeadless() || IJ.getInstance() == null || Interpreter.isBatchMode()) return null;
		return new PreviewWindow("Preview: " + GeneratedImages.title(prompt));
	}

	@Override
	public void show(NDArray rgb, int step, int total) {
		ImagePlus frame = GeneratedImages.toRgb(rgb.expandDims(0), title);
		String label = title + " (step " + step + "/" + total + ")";
		if (window == null || window.getWindow() == null) {
			window = frame;
			window.setTitle(label);
			window.show();
		}
		else {
			window.setProcessor(frame.getProcessor());
			window.setTitle(label);
		}
	}

	@Override
	public void close() {
		if (window != null) {
			window.changes = false;
			window.close();
		}
	}
}
