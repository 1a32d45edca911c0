package org.diffusionij.host;

import ij.IJ;
import ij.ImagePlus;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins › Diffusion › Denoise Image: removes Gaussian or Poisson–Gaussian noise from the image (every plane of
 * a stack or hyperstack) with a diffusion model, into a new image; see {@link org.diffusionij.pipelines.Denoiser}.
 * The settings and the noise level of each plane go to the result's Info and the Log. With
 * {@code reference=FILE} (the clean image, same size) the PSNR of the input and of the result is logged.
 */
@Plugin(type = Command.class, menuPath = DiffusionCommand.MENU + DenoiseCommand.LABEL, headless = true, visible = false)
public class DenoiseCommand extends DenoiseParameters {

	/** The menu label, which is also the name in {@code run("Denoise Image", "…")}. */
	public static final String LABEL = "Denoise Image";

	@Parameter(persist = false, label = IMAGE)
	private ImagePlus image;

	@Parameter(type = ItemIO.OUTPUT, label = RESULT)
	private ImagePlus result;

	@Parameter(persist = false, required = false, description = "Clean image file: log the PSNR against it")
	private String reference = "";

	@Override
	protected void execute() {
		ImagePlus denoised;
		try (DenoiseRun run = openRun()) {
			denoised = run.run(image, settings(run), outputType(), progress());
		}
		if (reference != null && !reference.trim().isEmpty()) {
			IJ.log(ReferencePsnr.of(reference.trim()).line(image, denoised));
		}
		result = denoised;
	}
}
