package org.diffusionij.host;

import ij.IJ;
import ij.ImagePlus;
import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.diffusionij.pipelines.DenoiseSettings;
import org.diffusionij.pipelines.Progress;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins › Diffusion › Denoise Folder: Denoise Image for batch and cluster use. Every image file of
 * {@code input_folder} that ImageJ opens is denoised with the same settings into {@code output_folder} as
 * {@code NAME-denoised.tif} (NAME: the file name without its image extension), each written to a temporary file
 * first and moved into place, so an interrupted job leaves only whole results; a rerun overwrites earlier
 * results, or with {@code skip_existing=true} leaves them and does only what is missing. Files ImageJ cannot
 * open are listed in the Log and skipped. The model is loaded once for the whole folder; the status bar names
 * the file and its progress.
 * <p>
 * {@code shard=i/n} processes only part i (0 … n − 1) of the folder, so that n jobs share it without
 * overlap; in a SLURM job array the part comes from the task's variables when the key is absent
 * ({@link FolderShard}).
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

	@Parameter(persist = false, required = false, description = "i/n: only part i (0 to n-1) of n; empty: the " +
		"SLURM array task's part, or all files")
	private String shard = "";

	@Parameter(persist = false, description = "Leave results that exist already (finish an interrupted job)")
	private boolean skip_existing = false;

	@Override
	protected void execute() {
		File in = folder("input_folder", input_folder);
		File out = folder("output_folder", output_folder);
		OutputPaths.checkFolder("output_folder", out.toPath(), Collections.singletonMap("input_folder", in.toPath()));
		OutputType type = outputType();
		Progress progress = progress();
		FolderShard part = FolderShard.of(shard, System.getenv());
		List<File> listing = FolderShard.listing(in);
		List<File> files = new ArrayList<>();
		int existing = 0;
		for (File f : part.of(listing)) {
			if (skip_existing && target(out, f).isFile()) existing++;
			else files.add(f);
		}
		if (part.count > 1 || existing > 0) {
			IJ.log(LABEL + ": shard " + part + ", " + (files.size() + existing) + " of " + listing.size() + " files" +
				(existing > 0 ? ", " + existing + " done already" : ""));
		}
		for (File f : files) ImageHeader.checkFits(f, "input_folder: " + f.getName());
		int done = 0;
		if (!files.isEmpty() || existing == 0) { // a finished part does not load the model again
			try (DenoiseRun run = openRun()) {
				DenoiseSettings settings = settings(run);
				for (int i = 0; i < files.size(); i++) {
					File f = files.get(i);
					progress.checkCancelled();
					ImagePlus image = IJ.openImage(f.getPath());
					if (image == null) {
						IJ.log(LABEL + ": skipped " + f.getName() + " (ImageJ cannot open it)");
						continue;
					}
					Progress file = progress.prefixed(LABEL + " " + (i + 1) + "/" + files.size() + " " + f.getName() +
						": ");
					ImagePlus result = run.run(image, settings, type, file);
					TiffOutput.save(result, target(out, f));
					done++;
				}
			}
		}
		IJ.log(LABEL + ": " + done + " image" + (done == 1 ? "" : "s") + " denoised into " + out);
	}

	/** Where the result of {@code input} goes: NAME-denoised.tif. */
	static File target(File out, File input) {
		return new File(out, ResultImage.outputTitle(input.getName(), "denoised") + ".tif");
	}

	private static File folder(String key, String path) {
		File f = new File(path == null ? "" : path.trim());
		if (path == null || path.trim().isEmpty() || !f.isDirectory()) {
			throw new IllegalArgumentException(key + "=" + path + ": give an existing folder.");
		}
		return f;
	}
}
