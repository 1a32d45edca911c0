package org.diffusionij.host;

import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ImageProcessor;
import ij.process.LUT;
import java.awt.Color;

/**
 * Builds the new result image of a run from float planes in NCHW order and the input image as template: the
 * same Z and T (one tensor item per (Z, T) position), the tensor's channels as C, the template's calibration
 * (a copy), title stem, slice labels, and its look where channels correspond (composite mode, LUTs, display
 * ranges). RGB input gives RGB back only with {@link OutputType#SAME_AS_INPUT} and three channels; otherwise
 * its r, g, b become a red/green/blue composite.
 */
final class ResultImage {

	private ResultImage() {}

	static ImagePlus build(PlaneWriter.Planes planes, int items, int channels, int height, int width,
		ImagePlus template, String suffix, OutputType type)
	{
		ImageLayout in = ImageLayout.of(template);
		if (items != in.items() || height != in.height || width != in.width) {
			throw new IllegalArgumentException("The result (" + items + " items of " + width + "x" + height +
				") does not fit image '" + template.getTitle() + "' (" + in.items() + " slice/frame positions of " +
				in.width + "x" + in.height + ").");
		}
		if (channels < 1) throw new IllegalArgumentException("The result has no channels.");
		boolean rgbOut = type == OutputType.SAME_AS_INPUT && in.rgb && channels == 3;
		int bitDepth = type == OutputType.FLOAT32 ? 32 : in.rgb ? 8 : template.getBitDepth();
		int imageChannels = rgbOut ? 1 : channels;

		ImageStack stack = new ImageStack(width, height);
		for (int n = 0; n < items; n++) {
			for (int c = 0; c < imageChannels; c++) {
				int p = n * channels + c;
				ImageProcessor ip = rgbOut ? PlaneWriter.rgb(planes, p, width, height) :
					PlaneWriter.gray(planes, p, width, height, bitDepth);
				stack.addSlice(label(template, in, n, c, channels), ip);
			}
		}
		ImagePlus out = new ImagePlus(outputTitle(template.getTitle(), suffix), stack);
		out.setDimensions(imageChannels, in.slices, in.frames);
		if (template.isHyperStack() || imageChannels > 1 && in.items() > 1) out.setOpenAsHyperStack(true);
		out.setCalibration(template.getCalibration().copy());
		if (rgbOut) return out;
		boolean sameChannels = channels == in.channels;
		if (imageChannels > 1 && (template.isComposite() || in.rgb)) {
			out = composite(out, template, in, sameChannels);
		}
		else if (sameChannels && !in.rgb) {
			out.setLut(template.getProcessor().getLut());
			out.setDisplayRange(template.getDisplayRangeMin(), template.getDisplayRangeMax());
		}
		else {
			out.resetDisplayRange();
		}
		return out;
	}

	/** A composite copying the template's mode and LUTs (with their display ranges) channel by channel. */
	private static ImagePlus composite(ImagePlus out, ImagePlus template, ImageLayout in, boolean sameChannels) {
		int mode = template.isComposite() ? template.getCompositeMode() : IJ.COMPOSITE;
		CompositeImage ci = new CompositeImage(out, mode);
		int c = ci.getNChannels();
		if (!sameChannels) return ci;
		LUT[] luts = new LUT[c];
		if (in.rgb) {
			Color[] colors = { Color.red, Color.green, Color.blue };
			for (int i = 0; i < c; i++) {
				luts[i] = LUT.createLutFromColor(colors[i]);
				luts[i].min = 0;
				luts[i].max = 255;
			}
		}
		else {
			LUT[] source = template.getLuts();
			for (int i = 0; i < c; i++) luts[i] = (LUT) source[i].clone();
		}
		ci.setLuts(luts);
		for (int i = 0; i < c; i++) {
			ci.setPosition(i + 1, 1, 1);
			ci.setDisplayRange(luts[i].min, luts[i].max);
		}
		ci.setPosition(1, 1, 1);
		return ci;
	}

	/** The template's label of the corresponding slice, when channels correspond and it has one. */
	private static String label(ImagePlus template, ImageLayout in, int n, int c, int channels) {
		if (template.getStackSize() < 2 || channels != in.channels && !in.rgb) return null;
		return template.getStack().getSliceLabel(in.stackIndex(n, c));
	}

	/** Image file extensions a title stem drops (case-insensitive), optionally after ".ome". */
	private static final String EXTENSIONS = "(?i)(\\.ome)?\\.(tiff?|png|jpe?g|gif|bmp|zip|raw|fits?|pgm|dcm|" +
		"nd2|czi|lif|lsm|ims|oib|oif|vsi|ics|ids|nrrd|mha|avi|jp2|webp|h5)$";

	/**
	 * "blobs.tif" and suffix "denoised" give "blobs-denoised" (a known image file extension is dropped, other
	 * dots are kept); an empty suffix gives the stem alone.
	 */
	static String outputTitle(String title, String suffix) {
		String stem = title == null || title.isEmpty() ? "image" : title.replaceFirst(EXTENSIONS, "");
		return suffix == null || suffix.isEmpty() ? stem : stem + "-" + suffix;
	}
}
