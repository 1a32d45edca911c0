package org.diffusionij.host;

import ij.ImagePlus;
import ij.ImageStack;

/**
 * Reads an image's planes as float values, never modifying the image: pixel arrays are only read, and no
 * processor, ROI or display setting of the input is touched. Values are the stored (raw) pixel values:
 * 0..255 for 8-bit and for each of r, g, b; 0..65535 for 16-bit; the floats themselves for 32-bit.
 * <p>
 * NaN or infinite pixels in 32-bit input are refused with a message naming the first plane that has them and
 * the number of such pixels, because a network spreads one NaN over the whole tile it touches and the user
 * would get an image of NaNs without knowing why.
 */
final class PlaneReader {

	private final ImagePlus imp;
	private final ImageLayout layout;
	private final ImageStack stack;

	PlaneReader(ImagePlus imp) {
		this.imp = imp;
		this.layout = ImageLayout.of(imp);
		this.stack = imp.getStackSize() > 1 ? imp.getStack() : null;
	}

	ImageLayout layout() {
		return layout;
	}

	/** Writes plane ({@code n}, {@code c}) into {@code dest} from {@code offset}, W*H values row by row. */
	void read(int n, int c, float[] dest, int offset) {
		int index = layout.stackIndex(n, c);
		Object pixels = stack != null ? stack.getPixels(index) : imp.getProcessor().getPixels();
		int size = layout.planeSize();
		if (pixels instanceof byte[]) {
			byte[] p = (byte[]) pixels;
			for (int i = 0; i < size; i++) dest[offset + i] = p[i] & 0xff;
		}
		else if (pixels instanceof short[]) {
			short[] p = (short[]) pixels;
			for (int i = 0; i < size; i++) dest[offset + i] = p[i] & 0xffff;
		}
		else if (pixels instanceof float[]) {
			System.arraycopy(pixels, 0, dest, offset, size);
			checkFinite(dest, offset, size, n, c);
		}
		else if (pixels instanceof int[]) {
			int[] p = (int[]) pixels;
			int shift = 16 - 8 * c;
			for (int i = 0; i < size; i++) dest[offset + i] = (p[i] >> shift) & 0xff;
		}
		else {
			throw new IllegalArgumentException("Image '" + imp.getTitle() + "' has pixels of an unsupported type (" +
				(pixels == null ? "none" : pixels.getClass().getSimpleName()) + ").");
		}
	}

	private void checkFinite(float[] values, int offset, int size, int n, int c) {
		int bad = 0;
		for (int i = 0; i < size; i++) {
			if (!Float.isFinite(values[offset + i])) bad++;
		}
		if (bad == 0) return;
		long total = countNonFinite();
		throw new IllegalArgumentException("Image '" + imp.getTitle() + "' has " + total +
			" NaN or infinite pixel(s), " + bad + " of them in " + layout.describe(n, c) +
			". Networks cannot process them: replace them first (Process > Math > Remove NaNs... for NaN, or" +
			" Process > Math > Macro... with code 'if (isNaN(v) || abs(v) == 1/0) v = 0;' for both), then run again.");
	}

	private long countNonFinite() {
		long total = 0;
		for (int s = 1; s <= imp.getStackSize(); s++) {
			float[] p = (float[]) (stack != null ? stack.getPixels(s) : imp.getProcessor().getPixels());
			for (float v : p) {
				if (!Float.isFinite(v)) total++;
			}
		}
		return total;
	}
}
