package org.diffusionij.host.train;

import com.google.gson.JsonObject;
import ij.IJ;
import ij.ImagePlus;
import ij.plugin.filter.GaussianBlur;
import ij.process.FloatProcessor;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.diffusionij.host.HeapCheck;
import org.diffusionij.host.ImageHeader;
import org.diffusionij.host.ImageTensors;
import org.diffusionij.pipelines.DenoiseSettings;
import org.diffusionij.pipelines.Normalization;
import org.diffusionij.pipelines.NormalizationRange;
import org.diffusionij.pipelines.UnitNoise;
import org.diffusionij.pipelines.train.PatchSampler;
import org.diffusionij.pipelines.train.TrainingSettings;

/**
 * The images a model trains on, as normalised planes: every (Z, T) position of a stack (or of each image in a
 * folder) becomes one {@link PatchSampler.Plane} with the image's channels (RGB gives three). Each plane is
 * mapped by the model's {@link Normalization} fitted to that plane (as Denoise Image fits it to the image it
 * denoises) and then to the network's [−1, 1], so training and inference see intensities the same way.
 * <p>
 * Noisy data (noise other than {@code none}) go through Denoise Image's own noise code
 * ({@link UnitNoise}): Poisson–Gaussian planes are first transformed by the generalised Anscombe transform, and
 * each plane's noise σ (given, or estimated per plane) is carried into network units with the plane.
 */
public final class TrainingData {

	public final List<PatchSampler.Plane> planes;
	/** What the model card and {@code training_state.json} say about the data. */
	public final JsonObject description;

	private TrainingData(List<PatchSampler.Plane> planes, JsonObject description) {
		this.planes = planes;
		this.description = description;
	}

	/** The planes of one image or stack, as clean data. */
	public static TrainingData of(ImagePlus image, Normalization normalization) {
		return of(image, normalization, new TrainingSettings());
	}

	/** The planes of one image or stack, with the noise the settings state. */
	public static TrainingData of(ImagePlus image, Normalization normalization, TrainingSettings noise) {
		List<PatchSampler.Plane> planes = new ArrayList<>();
		List<Double> sigmas = new ArrayList<>();
		add(image, normalization, noise, planes, sigmas);
		return new TrainingData(planes, describe(image.getTitle(), planes, normalization, 1, noise, sigmas));
	}

	/** The planes of every image file in {@code folder}, in name order; files ImageJ cannot open are refused. */
	public static TrainingData ofFolder(File folder, Normalization normalization, TrainingSettings noise) {
		File[] files = folder.listFiles(f -> f.isFile() && !f.getName().startsWith("."));
		if (files == null) throw new IllegalArgumentException("image_folder=" + folder + " is not a folder.");
		Arrays.sort(files);
		requireHeap(folder, files);
		List<PatchSampler.Plane> planes = new ArrayList<>();
		List<Double> sigmas = new ArrayList<>();
		int images = 0;
		for (File f : files) {
			ImagePlus image = IJ.openImage(f.getPath());
			if (image == null) {
				throw new IllegalArgumentException("image_folder: ImageJ cannot open " + f.getName() +
					" as an image; keep only images in the folder.");
			}
			add(image, normalization, noise, planes, sigmas);
			images++;
		}
		if (planes.isEmpty()) throw new IllegalArgumentException("image_folder=" + folder + " holds no images.");
		return new TrainingData(planes, describe(folder.getName(), planes, normalization, images, noise, sigmas));
	}

	/**
	 * Refuses a folder whose images would not fit in the heap, from their headers: every plane is kept as floats
	 * (4 bytes a pixel), and one image at a time is opened and copied twice more while it is read.
	 */
	private static void requireHeap(File folder, File[] files) {
		long kept = 0, reading = 0, largestPlane = 0;
		for (File f : files) {
			ImageHeader h = ImageHeader.read(f);
			if (h == null) continue;
			long plane = HeapCheck.times(h.width, h.height), pixels = HeapCheck.times(plane, h.planes);
			kept = HeapCheck.plus(kept, HeapCheck.times(pixels, Float.BYTES));
			reading = Math.max(reading, HeapCheck.plus(h.bytes(), HeapCheck.times(pixels, 2L * Float.BYTES)));
			largestPlane = Math.max(largestPlane, plane);
		}
		HeapCheck.require("image_folder=" + folder + " (" + files.length + " files)", largestPlane, HeapCheck.plus(kept,
			reading), "to train on");
	}

	public int channels() {
		return planes.get(0).channels;
	}

	private static void add(ImagePlus image, Normalization normalization, TrainingSettings noise,
		List<PatchSampler.Plane> out, List<Double> sigmas)
	{
		float[][] raw = ImageTensors.toPlanes(image);
		int c = image.getBitDepth() == 24 ? 3 : image.getNChannels(), h = image.getHeight(), w = image.getWidth();
		if (!out.isEmpty() && out.get(0).channels != c) {
			throw new IllegalArgumentException("Image '" + image.getTitle() + "' has " + c + " channel(s), the " +
				"images before it " + out.get(0).channels + "; train on images of one kind.");
		}
		for (int n = 0; n < raw.length / c; n++) {
			float[][] item = new float[c][];
			System.arraycopy(raw, n * c, item, 0, c);
			UnitNoise unitNoise = noise.noisyData() ? new UnitNoise(item, 1, w, h, noise.noise ==
				TrainingSettings.Noise.POISSON_GAUSSIAN ? DenoiseSettings.Noise.POISSON_GAUSSIAN :
					DenoiseSettings.Noise.GAUSSIAN, noise.noiseSigma, noise.gain, noise.offset) : null;
			float[] chw;
			if (unitNoise != null) chw = unitNoise.values;
			else {
				chw = new float[c * h * w];
				for (int k = 0; k < c; k++) System.arraycopy(item[k], 0, chw, k * h * w, h * w);
			}
			boolean transformed = unitNoise != null && noise.noise == TrainingSettings.Noise.POISSON_GAUSSIAN;
			float[] weight = transformed ? cameraWeights(chw, c, w, h) : null; // before chw is normalised in place
			NormalizationRange range = normalization.fit(chw);
			float[] unit = range.apply(chw);
			for (int i = 0; i < unit.length; i++) unit[i] = unit[i] * 2 - 1;
			double scale = range.high() > range.low() ? range.high() - range.low() : 1;
			double sigma = unitNoise == null ? Double.NaN : 2 * unitNoise.modelSigma / scale;
			if (unitNoise != null) sigmas.add(unitNoise.reported);
			out.add(new PatchSampler.Plane(c, h, w, unit, sigma, weight));
		}
	}

	/** Smoothing of the transformed values behind a weight, in pixels: the weight must not follow the noise. */
	static final double WEIGHT_BLUR = 2;
	/** Lowest transformed level a weight is taken at (about one noise σ after the transform). */
	static final double WEIGHT_FLOOR = 1;

	/**
	 * Weights that make an error after the generalised Anscombe transform count as it does in camera units: the
	 * inverse transform stretches an error at transformed value z by about gain·z/2, so its square by (gain·z/2)²;
	 * z is taken smoothed (the weight must not depend on the noise of its own pixel). The losses divide by the
	 * batch's mean weight, so only ratios matter.
	 */
	static float[] cameraWeights(float[] transformed, int channels, int width, int height) {
		float[] weight = new float[transformed.length];
		for (int k = 0; k < channels; k++) {
			float[] plane = Arrays.copyOfRange(transformed, k * width * height, (k + 1) * width * height);
			FloatProcessor fp = new FloatProcessor(width, height, plane);
			new GaussianBlur().blurGaussian(fp, WEIGHT_BLUR);
			for (int i = 0; i < plane.length; i++) {
				double z = Math.max(WEIGHT_FLOOR, plane[i]);
				weight[k * width * height + i] = (float) (z * z);
			}
		}
		return weight;
	}

	private static JsonObject describe(String source, List<PatchSampler.Plane> planes, Normalization n, int images,
		TrainingSettings noise, List<Double> sigmas)
	{
		JsonObject d = new JsonObject();
		d.addProperty("title", source);
		d.addProperty("images", images);
		d.addProperty("count", planes.size());
		d.addProperty("channels", planes.get(0).channels);
		d.addProperty("size", planes.get(0).width + "x" + planes.get(0).height);
		d.addProperty("normalization", n + " per plane, then to [-1,1]");
		d.addProperty("noise", noise.noise.key);
		if (!sigmas.isEmpty()) {
			double min = Double.MAX_VALUE, max = 0, sum = 0;
			for (double v : sigmas) {
				min = Math.min(min, v);
				max = Math.max(max, v);
				sum += v;
			}
			JsonObject sigma = new JsonObject();
			sigma.addProperty("units", noise.noise == TrainingSettings.Noise.POISSON_GAUSSIAN ? "anscombe" : "image");
			sigma.addProperty("estimated", noise.noiseSigma == null);
			sigma.addProperty("mean", sum / sigmas.size());
			sigma.addProperty("min", min);
			sigma.addProperty("max", max);
			d.add("sigma", sigma);
		}
		return d;
	}
}
