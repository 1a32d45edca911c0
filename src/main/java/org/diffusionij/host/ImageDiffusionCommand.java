package org.diffusionij.host;

import ij.ImagePlus;
import org.scijava.ItemIO;
import org.scijava.plugin.Parameter;

/**
 * Base of the commands that turn one image into a new one (denoise, img2img). The input is the macro key
 * {@code image} (Fiji fills it with the active image; the ImageJ 1 entries with the current image; the launcher
 * opens {@code input=FILE}); the result is the output {@code result}, which the hosts show or save
 * ({@code output=FILE} in the launcher). The input is never modified.
 */
public abstract class ImageDiffusionCommand extends DiffusionCommand {

	/** Macro key of the input image. */
	public static final String IMAGE = "image";

	/** Name of the output image. */
	public static final String RESULT = "result";

	@Parameter(label = IMAGE)
	protected ImagePlus image;

	@Parameter(type = ItemIO.OUTPUT, label = RESULT)
	protected ImagePlus result;
}
