package org.diffusionij.host;

import ai.djl.ndarray.NDManager;
import ij.IJ;
import ij.ImagePlus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.io.ModelCatalog;
import org.diffusionij.pipelines.DenoiseResult;
import org.diffusionij.pipelines.DenoiseSettings;
import org.diffusionij.pipelines.Denoiser;
import org.diffusionij.pipelines.NoiseRecord;
import org.diffusionij.pipelines.Progress;
import org.diffusionij.pipelines.UnconditionalModel;

/**
 * Denoise Image's model, loaded once on the chosen device (empty = the bundled
 * {@value ModelCatalog#DEFAULT_DENOISER}) for one image or a whole folder: reads the pixels, runs the
 * {@link Denoiser} and builds the result image, with the settings and noise levels in its Info property and the
 * Log. Closing frees the model's native memory.
 */
final class DenoiseRun implements AutoCloseable {

	private final UnconditionalModel model;
	private final NDManager manager;
	private final Denoiser denoiser;

	DenoiseRun(String model, String device) {
		String name = model == null || model.trim().isEmpty() ? ModelCatalog.DEFAULT_DENOISER : model.trim();
		try {
			this.model = UnconditionalModel.open("model", name);
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot read the model " + name + ": " + e.getMessage(), e);
		}
		this.manager = NDManager.newBaseManager(DiffusionEngine.device(device));
		try {
			this.denoiser = Denoiser.load(this.model, manager);
		}
		catch (IOException | RuntimeException e) {
			manager.close();
			if (e instanceof RuntimeException) throw (RuntimeException) e;
			throw new UncheckedIOException("Cannot read the model " + this.model.folder() + ": " + e.getMessage(),
				(IOException) e);
		}
		UnusedConfigKeys.log(DenoiseCommand.LABEL, this.model);
	}

	/**
	 * {@code settings} with the noise the model was trained on, when it records one ({@link NoiseRecord}): its
	 * kind, gain and offset, and its σ when training was given one and the settings estimate it.
	 */
	DenoiseSettings withModelNoise(DenoiseSettings settings) {
		NoiseRecord r = model.noise();
		if (r == null) return settings;
		settings.noise = r.noise;
		settings.gain = r.gain;
		settings.offset = r.offset;
		if (settings.sigma == null) settings.sigma = r.sigma;
		IJ.log(DenoiseCommand.LABEL + ": noise=auto, as " + model.name() + " was trained: " + r);
		return settings;
	}

	/** Denoises {@code image} into a new image titled with the stem and {@code -denoised}. */
	ImagePlus run(ImagePlus image, DenoiseSettings settings, OutputType type, Progress progress) {
		NoiseRecord record = model.noise();
		settings.noisier2noise = record != null && NoiseRecord.NOISIER2NOISE.equals(record.objective);
		if (record != null && settings.mode == DenoiseSettings.Mode.SAMPLE) {
			throw new IllegalArgumentException(model.name() + " was trained on noisy data as a one-step denoiser (" +
				NoiseRecord.FILE + ": " + record + "); mode=sample runs the reverse diffusion, which needs a model " +
				"of clean images. Use mode=mean (the default) with this model.");
		}
		float[][] planes = ImageTensors.toPlanes(image);
		int channels = (int) ImageTensors.shape(image).get(1);
		DiffusionEngine.inferenceThread();
		StepStack kept = settings.keepSteps ? keptSteps(image, planes.length, channels, settings) : null;
		DenoiseResult r = denoiser.denoise(planes, channels, image.getWidth(), image.getHeight(), settings, progress,
			manager);
		ImagePlus result;
		if (kept == null) result = ImageTensors.fromPlanes(r.planes, channels, image, "denoised", type);
		else {
			for (int s = 0; s < r.stepCount(); s++) {
				for (int k = 0; k < 2; k++) {
					for (int p = 0; p < planes.length; p++) {
						kept.put(s, p, k, r.steps[(s * 2 + k) * planes.length + p], r.stepTimesteps[s * planes.length + p]);
					}
				}
			}
			result = kept.image(stem(image.getTitle()) + "-steps", v -> {}, image.getDisplayRangeMin(), image
				.getDisplayRangeMax());
			result.setCalibration(image.getCalibration().copy());
		}
		String noise = settings.noise == DenoiseSettings.Noise.GAUSSIAN ? "sigma (image units)" :
			"sigma (Anscombe units)";
		String estimated = settings.sigma == null ? "estimated " : "";
		String info = "Denoise Image\nmodel=" + model.folder() + "\n" + settings + " output_type=" + type.name()
			.toLowerCase(Locale.ROOT) + "\n" + estimated + noise + " per plane: " + r.sigmaList() +
			"\nstart timestep per plane: " + r.timestepList() + "\n";
		result.setProperty("Info", info);
		IJ.log("Denoise Image " + image.getTitle() + ": " + estimated + noise + " per plane: " + r.sigmaList());
		return result;
	}

	/**
	 * The kept steps of {@code keep_steps=true}, checked against the heap before the run: the stack, and for the
	 * largest plane the tiler's result of every step (float) and its blending band (double, the whole plane when
	 * it is one tile).
	 */
	private static StepStack keptSteps(ImagePlus image, int planes, int channels, DenoiseSettings settings) {
		if (channels != 1) {
			throw new IllegalArgumentException("keep_steps=true shows the steps of one-channel images (gray planes); " +
				"\"" + image.getTitle() + "\" has " + channels + " channels. Split the channels first (Image > Color > " +
				"Split Channels).");
		}
		long plane = HeapCheck.times(image.getWidth(), image.getHeight());
		long working = HeapCheck.times(HeapCheck.times(plane, 1 + 2L * settings.steps), 4 + 8);
		return new StepStack("Denoise Image with keep_steps=true on \"" + image.getTitle() + "\"", planes, 1, image
			.getWidth(), image.getHeight(), settings.steps, working);
	}

	private static String stem(String title) {
		int dot = title.lastIndexOf('.');
		return dot > 0 ? title.substring(0, dot) : title;
	}

	@Override
	public void close() {
		manager.close();
	}
}
