package org.diffusionij.host;

import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;

/**
 * Turns float planes into new ImageJ processors of a chosen bit depth. Integer types round to the nearest
 * integer (halves up) and clip to the type's range; NaN becomes 0. The float planes are copied, so a result
 * never shares memory with a tensor or a caller's array.
 */
final class PlaneWriter {

	/** Where plane {@code p}'s W*H values start: an array and an offset into it. */
	interface Planes {
		float[] array(int p);

		int offset(int p);
	}

	private PlaneWriter() {}

	/** A processor of {@code bitDepth} 8, 16 or 32 holding plane {@code p}. */
	static ImageProcessor gray(Planes planes, int p, int w, int h, int bitDepth) {
		float[] a = planes.array(p);
		int o = planes.offset(p);
		int size = w * h;
		if (bitDepth == 32) {
			float[] out = new float[size];
			System.arraycopy(a, o, out, 0, size);
			return new FloatProcessor(w, h, out);
		}
		if (bitDepth == 16) {
			short[] out = new short[size];
			for (int i = 0; i < size; i++) out[i] = (short) clip(a[o + i], 65535);
			return new ShortProcessor(w, h, out, null);
		}
		if (bitDepth == 8) {
			byte[] out = new byte[size];
			for (int i = 0; i < size; i++) out[i] = (byte) clip(a[o + i], 255);
			return new ByteProcessor(w, h, out);
		}
		throw new IllegalArgumentException("Unsupported bit depth " + bitDepth + ".");
	}

	/** An RGB processor from planes {@code p} (red), {@code p+1} (green) and {@code p+2} (blue). */
	static ImageProcessor rgb(Planes planes, int p, int w, int h) {
		float[] r = planes.array(p);
		float[] g = planes.array(p + 1);
		float[] b = planes.array(p + 2);
		int or = planes.offset(p);
		int og = planes.offset(p + 1);
		int ob = planes.offset(p + 2);
		int size = w * h;
		int[] out = new int[size];
		for (int i = 0; i < size; i++) {
			out[i] = 0xff000000 | clip(r[or + i], 255) << 16 | clip(g[og + i], 255) << 8 | clip(b[ob + i], 255);
		}
		return new ColorProcessor(w, h, out);
	}

	/** Rounds half up and clips to 0..max; NaN gives 0. */
	static int clip(float v, int max) {
		if (!(v > 0)) return 0;
		if (v >= max) return max;
		return (int) Math.floor(v + 0.5);
	}
}
