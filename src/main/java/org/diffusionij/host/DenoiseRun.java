package org.diffusionij.host;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ij.IJ;
import ij.ImagePlus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.io.ModelCatalog;
import org.diffusionij.pipelines.DenoiseResult;
import org.diffusionij.pipelines.DenoiseSettings;
import org.diffusionij.pipelines.Denoiser;
import org.diffusionij.pipelines.Progress;

/**
 * One Denoise Image run on an {@link ImagePlus}, shared by the image and the folder command: finds the model
 * (empty = the bundled {@value #BUNDLED}), reads the pixels, runs the {@link Denoiser} on the chosen device
 * and builds the result image, with the settings and noise levels in its Info property and the Log.
 */
final class DenoiseRun {

	/** The bundled default model's folder name under {@code models/}. */
	static final String BUNDLED = "denoise-gray";

	private final Path model;
	private final Device device;

	DenoiseRun(String model, String device) {
		this.model = modelFolder(model);
		this.device = DiffusionEngine.device(device);
	}

	/** Denoises {@code image} into a new image titled with the stem and {@code -denoised}. */
	ImagePlus run(ImagePlus image, DenoiseSettings settings, OutputType type, Progress progress) {
		float[][] planes = ImageTensors.toPlanes(image);
		int channels = (int) ImageTensors.shape(image).get(1);
		DenoiseResult r;
		DiffusionEngine.inferenceThread();
		try (NDManager manager = NDManager.newBaseManager(device)) {
			Denoiser denoiser = Denoiser.fromFolder(model, manager);
			r = denoiser.denoise(planes, channels, image.getWidth(), image.getHeight(), settings, progress, manager);
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot read the model " + model + ": " + e.getMessage(), e);
		}
		ImagePlus result = ImageTensors.fromPlanes(r.planes, channels, image, "denoised", type);
		String noise = settings.noise == DenoiseSettings.Noise.GAUSSIAN ? "sigma (image units)" :
			"sigma (Anscombe units)";
		String estimated = settings.sigma == null ? "estimated " : "";
		String info = "Denoise Image\nmodel=" + model + "\n" + settings + " output_type=" + type.name().toLowerCase(
			Locale.ROOT) + "\n" + estimated + noise + " per plane: " + r.sigmaList() + "\nstart timestep per plane: " + r
				.timestepList() + "\n";
		result.setProperty("Info", info);
		IJ.log("Denoise Image " + image.getTitle() + ": " + estimated + noise + " per plane: " + r.sigmaList());
		return result;
	}

	/** The model folder: a path, a model name from the bundled catalog, or empty for {@value #BUNDLED}. */
	static Path modelFolder(String model) {
		String name = model == null || model.trim().isEmpty() ? BUNDLED : model.trim();
		Path path = Paths.get(name);
		if (Files.isDirectory(path)) return path;
		try {
			ModelCatalog.Entry e = ModelCatalog.bundled(DenoiseRun.class).find(name);
			if (e != null) return e.folder;
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		throw new IllegalArgumentException("model=" + name + ": no such folder, and no bundled model of that name" +
			(name.equals(BUNDLED) ? " (the bundled default lives in models/" + BUNDLED + " beside the plugin jar;" +
				" give model=FOLDER of a diffusers UNet2DModel pipeline instead)" : "") + ".");
	}
}
