package org.diffusionij.host.train;

import com.google.gson.JsonObject;
import ij.IJ;
import ij.ImagePlus;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.diffusionij.host.HeapCheck;
import org.diffusionij.host.ImageHeader;
import org.diffusionij.host.ImageTensors;
import org.diffusionij.pipelines.Normalization;
import org.diffusionij.pipelines.NormalizationRange;
import org.diffusionij.pipelines.train.PatchSampler;

/**
 * The images a model trains on, as normalised planes: every (Z, T) position of a stack (or of each image in a
 * folder) becomes one {@link PatchSampler.Plane} with the image's channels (RGB gives three). Each plane is
 * mapped by the model's {@link Normalization} fitted to that plane (as Denoise Image fits it to the image it
 * denoises) and then to the network's [−1, 1], so training and inference see intensities the same way.
 */
public final class TrainingData {

	public final List<PatchSampler.Plane> planes;
	/** What the model card and {@code training_state.json} say about the data. */
	public final JsonObject description;

	private TrainingData(List<PatchSampler.Plane> planes, JsonObject description) {
		this.planes = planes;
		this.description = description;
	}

	/** The planes of one image or stack. */
	public static TrainingData of(ImagePlus image, Normalization normalization) {
		List<PatchSampler.Plane> planes = new ArrayList<>();
		add(image, normalization, planes);
		return new TrainingData(planes, describe(image.getTitle(), planes, normalization, 1));
	}

	/** The planes of every image file in {@code folder}, in name order; files ImageJ cannot open are refused. */
	public static TrainingData ofFolder(File folder, Normalization normalization) {
		File[] files = folder.listFiles(f -> f.isFile() && !f.getName().startsWith("."));
		if (files == null) throw new IllegalArgumentException("image_folder=" + folder + " is not a folder.");
		Arrays.sort(files);
		requireHeap(folder, files);
		List<PatchSampler.Plane> planes = new ArrayList<>();
		int images = 0;
		for (File f : files) {
			ImagePlus image = IJ.openImage(f.getPath());
			if (image == null) {
				throw new IllegalArgumentException("image_folder: ImageJ cannot open " + f.getName() +
					" as an image; keep only images in the folder.");
			}
			add(image, normalization, planes);
			images++;
		}
		if (planes.isEmpty()) throw new IllegalArgumentException("image_folder=" + folder + " holds no images.");
		return new TrainingData(planes, describe(folder.getName(), planes, normalization, images));
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

	private static void add(ImagePlus image, Normalization normalization, List<PatchSampler.Plane> out) {
		float[][] raw = ImageTensors.toPlanes(image);
		int c = image.getBitDepth() == 24 ? 3 : image.getNChannels(), h = image.getHeight(), w = image.getWidth();
		if (!out.isEmpty() && out.get(0).channels != c) {
			throw new IllegalArgumentException("Image '" + image.getTitle() + "' has " + c + " channel(s), the " +
				"images before it " + out.get(0).channels + "; train on images of one kind.");
		}
		for (int n = 0; n < raw.length / c; n++) {
			float[] chw = new float[c * h * w];
			for (int k = 0; k < c; k++) System.arraycopy(raw[n * c + k], 0, chw, k * h * w, h * w);
			NormalizationRange range = normalization.fit(chw);
			float[] unit = range.apply(chw);
			for (int i = 0; i < unit.length; i++) unit[i] = unit[i] * 2 - 1;
			out.add(new PatchSampler.Plane(c, h, w, unit));
		}
	}

	private static JsonObject describe(String source, List<PatchSampler.Plane> planes, Normalization n, int images) {
		JsonObject d = new JsonObject();
		d.addProperty("title", source);
		d.addProperty("images", images);
		d.addProperty("count", planes.size());
		d.addProperty("channels", planes.get(0).channels);
		d.addProperty("size", planes.get(0).width + "x" + planes.get(0).height);
		d.addProperty("normalization", n + " per plane, then to [-1,1]");
		return d;
	}
}
