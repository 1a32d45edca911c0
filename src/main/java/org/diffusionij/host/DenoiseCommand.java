package org.diffusionij.host;

import ij.IJ;
import ij.ImagePlus;
import org.diffusionij.pipelines.DenoiseSettings;
import org.diffusionij.pipelines.Progress;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins › Diffusion › Denoise Image: removes Gaussian or Poisson–Gaussian noise from the image (every plane of
 * a stack or hyperstack) with a diffusion model, into a new image; see {@link org.diffusionij.pipelines.Denoiser}.
 * The settings and the noise level of each plane go to the result's Info and the Log. With
 * {@code reference=FILE} (the clean image, same size) the PSNR of the input and of the result is logged.
 * Settings are not remembered between runs, so a script always gets the defaults it does not name.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Diffusion>" + DenoiseCommand.LABEL)
public class DenoiseCommand extends ImageDiffusionCommand {

	/** The menu label, which is also the name in {@code run("Denoise Image", "…")}. */
	public static final String LABEL = "Denoise Image";

	@Parameter(persist = false, required = false, label = "model", description = "Model folder; empty = bundled")
	private String model = "";

	@Parameter(persist = false, choices = { DenoiseOptions.GAUSSIAN, DenoiseOptions.POISSON_GAUSSIAN })
	private String noise = DenoiseOptions.GAUSSIAN;

	@Parameter(persist = false, description = "Noise standard deviation in image units, or auto")
	private String sigma = DenoiseOptions.AUTO;

	@Parameter(persist = false, description = "Poisson-Gaussian: intensity units per photon")
	private double gain = 1;

	@Parameter(persist = false, description = "Poisson-Gaussian: camera baseline")
	private double offset = 0;

	@Parameter(persist = false, choices = { DenoiseOptions.MEAN, DenoiseOptions.SAMPLE })
	private String mode = DenoiseOptions.MEAN;

	@Parameter(persist = false, choices = { DenoiseOptions.DDPM, DenoiseOptions.DDIM })
	private String sampler = DenoiseOptions.DDPM;

	@Parameter(persist = false, min = "1")
	private int steps = 10;

	@Parameter(persist = false, min = "1")
	private int samples = 1;

	@Parameter(persist = false)
	private long seed = 0;

	@Parameter(persist = false, min = "16")
	private int tile = DenoiseSettings.DEFAULT_TILE;

	@Parameter(persist = false, choices = { DenoiseOptions.PER_CHANNEL, DenoiseOptions.LUMINANCE })
	private String channels = DenoiseOptions.PER_CHANNEL;

	@Parameter(persist = false, choices = { DenoiseOptions.FLOAT32, DenoiseOptions.SAME_AS_INPUT })
	private String output_type = DenoiseOptions.FLOAT32;

	@Parameter(persist = false, description = "auto, cpu, gpu or gpu:N")
	private String device = "auto";

	@Parameter(persist = false, required = false, description = "Clean image file: log the PSNR against it")
	private String reference = "";

	@Parameter(required = false)
	private StatusService status;

	@Override
	protected void execute() {
		Progress progress = status != null ? new StatusProgress(status, this) : new CommandProgress(this);
		ImagePlus denoised = new DenoiseRun(model, device).run(image, DenoiseOptions.settings(noise, sigma, gain,
			offset, mode, sampler, steps, samples, seed, tile, channels), DenoiseOptions.outputType(output_type),
			progress);
		if (reference != null && !reference.trim().isEmpty()) {
			IJ.log(ReferencePsnr.of(reference.trim()).line(image, denoised));
		}
		result = denoised;
	}
}
