package org.diffusionij.host;

import ij.IJ;
import ij.ImagePlus;
import org.diffusionij.pipelines.DenoiseSettings;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins › Diffusion › Denoise Image: removes Gaussian or Poisson–Gaussian noise from the image (every plane of
 * a stack or hyperstack) with a diffusion model, into a new image; see {@link org.diffusionij.pipelines.Denoiser}.
 * The settings and the noise level of each plane go to the result's Info and the Log. With
 * {@code reference=FILE} (the clean image, same size) the PSNR of the input and of the result is logged.
 * {@code keep_steps=true} ({@code mode=sample}, gray images) returns every step of the reverse process instead,
 * as {@link StepStack}'s hyperstack in the image's units (Z = the image's planes), its last x<sub>t</sub> being
 * the denoised image.
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

	@Parameter(persist = false, description = "mode=sample: return every step instead, x_t and the predicted x0 " +
		"side by side (channels), one frame per step, in 32-bit")
	private boolean keep_steps = false;

	@Override
	protected void execute() {
		ImagePlus denoised;
		try (DenoiseRun run = openRun()) {
			DenoiseSettings settings = settings(run);
			settings.keepSteps = keep_steps;
			if (keep_steps && reference != null && !reference.trim().isEmpty()) {
				throw new IllegalArgumentException("reference= measures the denoised image, and keep_steps=true returns " +
					"the steps instead: run with one or the other.");
			}
			settings.check();
			denoised = run.run(image, settings, outputType(), progress());
		}
		if (reference != null && !reference.trim().isEmpty()) {
			IJ.log(ReferencePsnr.of(reference.trim()).line(image, denoised));
		}
		result = denoised;
	}
}
