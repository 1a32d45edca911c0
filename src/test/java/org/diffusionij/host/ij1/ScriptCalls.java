package org.diffusionij.host.ij1;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;

/**
 * What a script does in ImageJ, for macros to call with {@code call("org.diffusionij.host.ij1.ScriptCalls…")}
 * in the real-host tests (the tests jar is on ImageJ's plugin class path there).
 */
public final class ScriptCalls {

	private ScriptCalls() {}

	/**
	 * Opens {@code path} without showing it (so it is not the current image) and runs
	 * {@code IJ.run(imp, "Scale Test Image", options)} on it, as a Groovy or Jython script does; returns the
	 * first pixel of the given image and of the image titled {@code title} afterwards, the number of open
	 * images and the title of the current image, e.g. {@code "10.0 20.0 2 from-script"}.
	 */
	public static String runOnImage(String path, String options, String title) {
		ImagePlus imp = IJ.openImage(path);
		IJ.run(imp, "Scale Test Image", options);
		ImagePlus result = WindowManager.getImage(title);
		ImagePlus current = WindowManager.getCurrentImage();
		return imp.getProcessor().getf(0) + " " + (result == null ? "none" : String.valueOf(result.getProcessor()
			.getf(0))) + " " + WindowManager.getImageCount() + " " + (current == null ? "none" : current.getTitle());
	}
}
