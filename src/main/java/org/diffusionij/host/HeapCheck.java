package org.diffusionij.host;

import java.util.Locale;

/**
 * Refuses work whose pixel arrays would not fit in the Java heap, before they are made: the alternative is an
 * {@link OutOfMemoryError} after seconds of swapping, or an ImageJ that no longer responds. Sizes are multiplied
 * in long arithmetic that saturates instead of overflowing (a header can claim 100000×100000×100000 pixels).
 */
public final class HeapCheck {

	/** ImageJ keeps a plane in one Java array, so a plane has at most this many pixels. */
	public static final long MAX_PLANE_PIXELS = Integer.MAX_VALUE - 8;

	private HeapCheck() {}

	/** {@code a × b} for non-negative factors, {@link Long#MAX_VALUE} when the product does not fit. */
	public static long times(long a, long b) {
		if (a < 0 || b < 0) throw new IllegalArgumentException("negative size");
		try {
			return Math.multiplyExact(a, b);
		}
		catch (ArithmeticException e) {
			return Long.MAX_VALUE;
		}
	}

	/** {@code a + b} for non-negative terms, {@link Long#MAX_VALUE} when the sum does not fit. */
	public static long plus(long a, long b) {
		long s = a + b;
		return s < 0 ? Long.MAX_VALUE : s;
	}

	/** Bytes the heap can still give: its maximum less what is in use (after a collection when that is short). */
	public static long available(long needed) {
		Runtime rt = Runtime.getRuntime();
		long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
		if (free >= needed) return free;
		System.gc(); // garbage counts as used until it is collected
		return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
	}

	/**
	 * Throws when {@code bytes} more do not fit in the heap now, or when a plane of {@code planePixels} is more
	 * than an ImageJ array holds.
	 *
	 * @param what the data and its size, for the message ("input=cells.tif (2048×2048 pixels, 10 planes of 16-bit)")
	 * @param purpose what the bytes are for ("to open")
	 */
	public static void require(String what, long planePixels, long bytes, String purpose) {
		long available = available(bytes);
		boolean tooLargePlane = planePixels > MAX_PLANE_PIXELS;
		if (bytes <= available && !tooLargePlane) return;
		long max = Runtime.getRuntime().maxMemory();
		throw new IllegalArgumentException(what + " needs " + size(bytes) + " of Java heap " + purpose + ", but " +
			size(Math.max(0, available)) + " of the heap's " + size(max) + " are free" + (tooLargePlane ?
				", and a plane of more than " + MAX_PLANE_PIXELS + " pixels is more than ImageJ can hold" : "") +
			". Give Java more memory (java -Xmx, or Edit > Options > Memory & Threads) or use a smaller image.");
	}

	/** "9.3 GiB", "512 MiB", or "more than 8 EiB" for a saturated size. */
	public static String size(long bytes) {
		if (bytes == Long.MAX_VALUE) return "more than 8 EiB";
		String[] units = { "bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
		double v = bytes;
		int u = 0;
		while (v >= 1024 && u < units.length - 1) {
			v /= 1024;
			u++;
		}
		return u == 0 ? bytes + " bytes" : String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
	}
}
