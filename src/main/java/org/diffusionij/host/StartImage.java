package org.diffusionij.host;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ij.ImagePlus;
import ij.gui.Roi;
import ij.process.ByteProcessor;
import org.diffusionij.pipelines.sd.GenerationRequest;

/**
 * The open image as the start of image-to-image ({@code strength} below 1) or, with an area selection, of
 * inpainting: its current plane as RGB (gray and 16/32-bit through their display range, as ImageJ's RGB
 * conversion does) scaled to diffusers' [−1, 1], and the selection as the mask (1 = regenerate) at the image
 * size. The output then has the image's size.
 */
final class StartImage {

	private StartImage() {}

	/** Sets the request's start image, mask and size from {@code image} (or null); validates the request. */
	static void apply(ImagePlus image, GenerationRequest r, NDManager manager) {
		ByteProcessor mask = image == null ? null : maskOf(image);
		if (image == null || (mask == null && r.strength >= 1)) {
			r.validate();
			return;
		}
		int w = image.getWidth(), h = image.getHeight();
		if (w % 8 != 0 || h % 8 != 0) {
			throw new IllegalArgumentException("\"" + image.getTitle() + "\" is " + w + "×" + h + "; starting from " +
				"an image needs a width and height that are multiples of 8: crop or scale it (Image › Adjust › Size).");
		}
		r.width = w;
		r.height = h;
		ImagePlus rgb = new ImagePlus("start", image.getProcessor().convertToRGB());
		NDArray pixels = ImageTensors.toTensor(rgb, manager);
		r.initImage = pixels.div(127.5f).sub(1f);
		pixels.close();
		if (mask != null) {
			byte[] px = (byte[]) mask.getPixels();
			float[] m = new float[px.length];
			for (int i = 0; i < m.length; i++) m[i] = px[i] != 0 ? 1f : 0f;
			r.mask = manager.create(m, new Shape(1, 1, h, w));
		}
		r.validate();
	}

	/** The image's area selection filled with 255 at the image size, or null without one. */
	static ByteProcessor maskOf(ImagePlus imp) {
		Roi roi = imp.getRoi();
		if (roi == null || !roi.isArea()) return null;
		ByteProcessor mask = new ByteProcessor(imp.getWidth(), imp.getHeight());
		mask.setValue(255);
		mask.fill(roi);
		return mask;
	}
}
