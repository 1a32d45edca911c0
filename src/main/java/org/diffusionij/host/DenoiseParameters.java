package org.diffusionij.host;

import org.diffusionij.pipelines.DenoiseSettings;
import org.scijava.plugin.Parameter;

/**
 * The keys Denoise Image and Denoise Folder share, declared once (SciJava reads inherited {@code @Parameter}
 * fields as the command's own). None is remembered between runs, so a script always gets the defaults it does not
 * name.
 */
public abstract class DenoiseParameters extends DiffusionCommand {

	@Parameter(persist = false, required = false, label = "model", description = "Model folder or bundled " +
		"model's name; empty = the bundled denoiser")
	private String model = "";

	@Parameter(persist = false, choices = { DenoiseOptions.AUTO, DenoiseOptions.GAUSSIAN,
		DenoiseOptions.POISSON_GAUSSIAN }, description = "auto: as the model was trained (a model trained on noisy " +
			"data records its noise), else gaussian")
	private String noise = DenoiseOptions.AUTO;

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

	@Parameter(persist = false, description = "auto (the whole image when it fits, else the largest tile that " +
		"fits free memory, up to 1024) or a tile side in pixels (16 or more)")
	private String tile = DenoiseOptions.AUTO;

	@Parameter(persist = false, choices = { DenoiseOptions.PER_CHANNEL, DenoiseOptions.LUMINANCE })
	private String channels = DenoiseOptions.PER_CHANNEL;

	@Parameter(persist = false, choices = { DenoiseOptions.FLOAT32, DenoiseOptions.SAME_AS_INPUT })
	private String output_type = DenoiseOptions.FLOAT32;

	@Parameter(persist = false, description = "auto, cpu, gpu or gpu:N")
	private String device = "auto";

	/** The settings the keys give, checked; {@code noise=auto} takes the noise the model was trained on. */
	protected final DenoiseSettings settings(DenoiseRun run) {
		DenoiseSettings s = DenoiseOptions.settings(noise, sigma, gain, offset, mode, sampler, steps, samples, seed,
			tile, channels);
		return DenoiseOptions.AUTO.equals(noise) ? run.withModelNoise(s) : s;
	}

	protected final OutputType outputType() {
		return DenoiseOptions.outputType(output_type);
	}

	/** Loads the model on the chosen device; the caller closes it. */
	protected final DenoiseRun openRun() {
		return new DenoiseRun(model, device);
	}
}
