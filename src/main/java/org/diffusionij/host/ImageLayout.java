package org.diffusionij.host;

import ij.ImagePlus;

/**
 * How an {@link ImagePlus} maps onto an NCHW tensor. N is one item per (Z, T) position in ImageJ's order (Z
 * varies fastest, so item {@code n = (t-1)*Z + (z-1)}); C is the image's channel dimension, or r, g, b for RGB;
 * H and W are the image's height and width. Networks see each (Z, T) plane set as an independent image with
 * its channels together, which is what a 2-D diffusion model expects.
 */
final class ImageLayout {

	final int width;
	final int height;
	final int channels;
	final int slices;
	final int frames;
	final boolean rgb;

	private ImageLayout(int width, int height, int channels, int slices, int frames, boolean rgb) {
		this.width = width;
		this.height = height;
		this.channels = channels;
		this.slices = slices;
		this.frames = frames;
		this.rgb = rgb;
	}

	/** The layout of an input image; RGB hyperstacks with several channels are refused with a message. */
	static ImageLayout of(ImagePlus imp) {
		boolean rgb = imp.getBitDepth() == 24;
		int c = imp.getNChannels();
		if (rgb && c > 1) {
			throw new IllegalArgumentException("Image '" + imp.getTitle() + "' is an RGB hyperstack with " + c +
				" channels; its colours and its channels cannot both become tensor channels. Convert it first " +
				"(Image > Type > 8-bit or 32-bit, or Image > Color > Stack to RGB), then run again.");
		}
		return new ImageLayout(imp.getWidth(), imp.getHeight(), rgb ? 3 : c, imp.getNSlices(), imp.getNFrames(),
			rgb);
	}

	/** Number of tensor items, Z times T. */
	int items() {
		return slices * frames;
	}

	/** Pixels in one plane. */
	int planeSize() {
		return width * height;
	}

	/**
	 * The ImageJ stack index (1-based) of item {@code n} and tensor channel {@code c} (0-based); the three
	 * colour channels of RGB share one slice.
	 */
	int stackIndex(int n, int c) {
		int z = n % slices;
		int t = n / slices;
		return t * slices * imageChannels() + z * imageChannels() + (rgb ? 0 : c) + 1;
	}

	/** Channels in ImageJ's C dimension: 1 for RGB, whose colours are packed in one plane. */
	int imageChannels() {
		return rgb ? 1 : channels;
	}

	/** "channel 2, slice 3, frame 1" for messages, 1-based as ImageJ shows them. */
	String describe(int n, int c) {
		return "channel " + (c + 1) + ", slice " + (n % slices + 1) + ", frame " + (n / slices + 1);
	}
}
