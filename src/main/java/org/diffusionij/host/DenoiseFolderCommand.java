package org.diffusionij.host;

import ij.IJ;
import ij.ImagePlus;
import java.io.File;
import java.util.Arrays;
import org.diffusionij.pipelines.DenoiseSettings;
import org.diffusionij.pipelines.Progress;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins › Diffusion › Denoise Folder: Denoise Image for batch and cluster use. Every image file of
 * {@code input_folder} that ImageJ opens is denoised with the same settings into {@code output_folder} as
 * {@code NAME-denoised.tif}, each written to a temporary file first and moved into place, so an interrupted job
 * leaves only whole results; a rerun overwrites earlier results. Files ImageJ cannot
 * open are listed in the Log and skipped.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Diffusion>" + DenoiseFolderCommand.LABEL)
public class DenoiseFolderCommand extends DiffusionCommand {

	/** The menu label, which is also the name in {@code run("Denoise Folder", "…")}. */
	public static final String LABEL = "Denoise Folder";

	@Parameter(persist = false, description = "Folder of images to denoise")
	private String input_folder = "";

	@Parameter(persist = false, description = "Folder for the results (NAME-denoised.tif)")
	private String output_folder = "";

	@Parameter(persist = false, required = false, description = "Model folder; empty = bundled")
	private String model = "";

	@Parameter(persist = false, choices = { DenoiseOptions.GAUSSIAN, DenoiseOptions.POISSON_GAUSSIAN })
	private String noise = DenoiseOptions.GAUSSIAN;

	@Parameter(persist = false, description = "Noise standard deviation in image units, or auto")
	private String sigma = DenoiseOptions.AUTO;

	@Parameter(persist = false)
	private double gain = 1;

	@Parameter(persist = false)
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

	@Override
	protected void execute() {
		File in = folder("input_folder", input_folder);
		File out = folder("output_folder", output_folder);
		DenoiseSettings settings = DenoiseOptions.settings(noise, sigma, gain, offset, mode, sampler, steps, samples,
			seed, tile, channels);
		DenoiseRun run = new DenoiseRun(model, device);
		Progress progress = new CommandProgress(this);
		File[] files = in.listFiles(File::isFile);
		Arrays.sort(files);
		int done = 0;
		for (File f : files) {
			if (f.getName().startsWith(".")) continue;
			progress.checkCancelled();
			ImagePlus image = IJ.openImage(f.getPath());
			if (image == null) {
				IJ.log("Denoise Folder: skipped " + f.getName() + " (ImageJ cannot open it)");
				continue;
			}
			ImagePlus result = run.run(image, settings, DenoiseOptions.outputType(output_type), progress);
			TiffOutput.save(result, new File(out, result.getTitle() + ".tif"));
			done++;
		}
		IJ.log("Denoise Folder: " + done + " image" + (done == 1 ? "" : "s") + " denoised into " + out);
	}

	private static File folder(String key, String path) {
		File f = new File(path == null ? "" : path.trim());
		if (path == null || path.trim().isEmpty() || !f.isDirectory()) {
			throw new IllegalArgumentException(key + "=" + path + ": give an existing folder.");
		}
		return f;
	}
}
