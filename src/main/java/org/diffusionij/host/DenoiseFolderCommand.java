package org.diffusionij.host;

import ij.IJ;
import ij.ImagePlus;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
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
 * open are listed in the Log and skipped. The model is loaded once for the whole folder; the status bar names
 * the file and its progress.
 */
@Plugin(type = Command.class, menuPath = DiffusionCommand.MENU + DenoiseFolderCommand.LABEL, headless = true,
	visible = false)
public class DenoiseFolderCommand extends DenoiseParameters {

	/** The menu label, which is also the name in {@code run("Denoise Folder", "…")}. */
	public static final String LABEL = "Denoise Folder";

	@Parameter(persist = false, description = "Folder of images to denoise")
	private String input_folder = "";

	@Parameter(persist = false, description = "Folder for the results (NAME-denoised.tif)")
	private String output_folder = "";

	@Override
	protected void execute() {
		File in = folder("input_folder", input_folder);
		File out = folder("output_folder", output_folder);
		DenoiseSettings settings = settings();
		OutputType type = outputType();
		Progress progress = progress();
		List<File> files = new ArrayList<>();
		for (File f : in.listFiles(File::isFile)) if (!f.getName().startsWith(".")) files.add(f);
		files.sort(null);
		int done = 0;
		try (DenoiseRun run = openRun()) {
			for (int i = 0; i < files.size(); i++) {
				File f = files.get(i);
				progress.checkCancelled();
				ImagePlus image = IJ.openImage(f.getPath());
				if (image == null) {
					IJ.log(LABEL + ": skipped " + f.getName() + " (ImageJ cannot open it)");
					continue;
				}
				Progress file = progress.prefixed(LABEL + " " + (i + 1) + "/" + files.size() + " " + f.getName() + ": ");
				ImagePlus result = run.run(image, settings, type, file);
				TiffOutput.save(result, new File(out, result.getTitle() + ".tif"));
				done++;
			}
		}
		IJ.log(LABEL + ": " + done + " image" + (done == 1 ? "" : "s") + " denoised into " + out);
	}

	private static File folder(String key, String path) {
		File f = new File(path == null ? "" : path.trim());
		if (path == null || path.trim().isEmpty() || !f.isDirectory()) {
			throw new IllegalArgumentException(key + "=" + path + ": give an existing folder.");
		}
		return f;
	}
}
