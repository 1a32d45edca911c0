package org.diffusionij.host;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ij.ImagePlus;

/**
 * Moves ImageJ images into NCHW float32 tensors or planes and results back into new images with the input's
 * layout, so that the pipelines never see an {@link ImagePlus}. Generated images ({@link GeneratedImages}),
 * selection masks ({@link StartImage}) and the training preview make their pixels themselves.
 * <p>
 * <b>Layout.</b> N is one item per (Z, T) position in ImageJ's order (Z fastest: item {@code (t-1)*Z + (z-1)});
 * C is the image's channel dimension, and RGB gives three channels r, g, b (RGB hyperstacks with several
 * channels are refused with a message); H and W are the height and width. 8-, 16- and 32-bit gray, RGB, stacks
 * and hyperstacks are supported; values are the stored pixel values (0..255, 0..65535 or the floats).
 * <p>
 * <b>NaN and infinity.</b> A 32-bit input with NaN or infinite pixels is refused with a message that names the
 * first plane with them and how many there are, and says how to replace them.
 * <p>
 * <b>Back.</b> Result planes with the input as template give a NEW image: the same Z and T, the result's
 * channels as C, a copy of the calibration, the title stem plus a suffix ({@code blobs.tif} and
 * {@code denoised} give {@code blobs-denoised}), the composite mode, LUTs and display ranges where channels
 * correspond; the bit depth follows {@link OutputType}.
 * <p>
 * <b>The input is never modified:</b> its pixel arrays are only read.
 */
public final class ImageTensors {

	private ImageTensors() {}

	/** The NCHW shape {@link #toTensor} gives for this image. */
	public static Shape shape(ImagePlus imp) {
		ImageLayout l = ImageLayout.of(imp);
		return new Shape(l.items(), l.channels, l.height, l.width);
	}

	/** The image as a float32 NCHW tensor in {@code manager}. */
	public static NDArray toTensor(ImagePlus imp, NDManager manager) {
		PlaneReader reader = new PlaneReader(imp);
		ImageLayout l = reader.layout();
		requireHeap(imp, l);
		int size = l.planeSize();
		float[] data = new float[Math.multiplyExact(l.items() * l.channels, size)];
		for (int n = 0; n < l.items(); n++) {
			for (int c = 0; c < l.channels; c++) reader.read(n, c, data, (n * l.channels + c) * size);
		}
		return manager.create(data, new Shape(l.items(), l.channels, l.height, l.width));
	}

	/**
	 * The image as float planes in NCHW order, {@code planes[n * C + c][y * W + x]}, for pipelines that work
	 * plane by plane without a tensor.
	 */
	public static float[][] toPlanes(ImagePlus imp) {
		PlaneReader reader = new PlaneReader(imp);
		ImageLayout l = reader.layout();
		requireHeap(imp, l);
		float[][] planes = new float[l.items() * l.channels][l.planeSize()];
		for (int n = 0; n < l.items(); n++) {
			for (int c = 0; c < l.channels; c++) reader.read(n, c, planes[n * l.channels + c], 0);
		}
		return planes;
	}

	/** Refuses an image whose float copy would not fit in the heap, before the arrays are made. */
	private static void requireHeap(ImagePlus imp, ImageLayout l) {
		long planes = HeapCheck.times(l.items(), l.channels);
		HeapCheck.require("Image '" + imp.getTitle() + "' (" + l.width + "×" + l.height + " pixels, " + planes +
			" plane" + (planes == 1 ? "" : "s") + ")", HeapCheck.times(l.width, l.height), HeapCheck.times(HeapCheck
				.times(planes, HeapCheck.times(l.width, l.height)), Float.BYTES), "as 32-bit planes");
	}

	/**
	 * A new image from planes laid out as {@link #toPlanes} gives them, with {@code channels} channels and
	 * {@code template}'s Z/T layout, height and width; see the class description for what is kept.
	 *
	 * @param suffix appended to the template's title stem with a hyphen, e.g. {@code denoised}
	 */
	public static ImagePlus fromPlanes(float[][] planes, int channels, ImagePlus template, String suffix,
		OutputType type)
	{
		if (channels < 1 || planes.length % channels != 0) {
			throw new IllegalArgumentException(planes.length + " planes do not divide into " + channels +
				" channels.");
		}
		int size = template.getWidth() * template.getHeight();
		for (float[] p : planes) {
			if (p.length != size) {
				throw new IllegalArgumentException("A plane of " + p.length + " values does not fit image '" +
					template.getTitle() + "' (" + template.getWidth() + "x" + template.getHeight() + ").");
			}
		}
		PlaneWriter.Planes access = new PlaneWriter.Planes() {
			@Override
			public float[] array(int p) {
				return planes[p];
			}

			@Override
			public int offset(int p) {
				return 0;
			}
		};
		return ResultImage.build(access, planes.length / channels, channels, template.getHeight(),
			template.getWidth(), template, suffix, type);
	}
}
