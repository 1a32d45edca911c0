package org.diffusionij.pipelines;

/**
 * The tile side Denoise Image takes by default ({@code tile=auto}): the whole image when it fits the memory
 * budget and is at most {@link #WHOLE_PIXELS} pixels, else the largest square tile up to {@link #MAX_SIDE} that
 * fits. Larger tiles stop paying on CPUs: activations of large tiles cost page faults. Measured with the bundled
 * model on a 2048 x 2048 image (2 cores, the launcher's whole process): tile 256 28.6 s (1.1 GB peak RSS, 262k
 * minor faults), 512 31.1 s (2.9 GB, 732k), 1024 52.2 s (7.9 GB, 2.5 M).
 * A fixed upper side keeps the native memory of a large image flat in its size.
 */
public final class TileChoice {

	/** The largest tile side chosen by default. */
	public static final int MAX_SIDE = 256;
	/** The largest image (in pixels) denoised as one tile by default. */
	public static final long WHOLE_PIXELS = (long) MAX_SIDE * MAX_SIDE;
	/** Smallest tile side chosen by default. */
	static final int MIN_SIDE = 128;
	/** Float32 values alive per channel and pixel during a UNet forward (activations, skips, GroupNorm temps). */
	static final int LIVE_TENSORS = 6;

	private TileChoice() {}

	/**
	 * @param blockOutChannels the UNet's channels per resolution level
	 * @param budget native bytes the tile's forward pass may take
	 * @return the tile side for an image of {@code width x height}
	 */
	public static int side(int width, int height, int[] blockOutChannels, int multiple, long budget) {
		double perPixel = bytesPerPixel(blockOutChannels);
		long pixels = (long) width * height;
		if (pixels <= WHOLE_PIXELS && pixels * perPixel <= budget) return Math.max(width, height);
		int side = (int) Math.min(MAX_SIDE, Math.sqrt(budget / perPixel));
		int step = Math.max(multiple, 64);
		return Math.max(MIN_SIDE, side / step * step);
	}

	/** Estimated bytes of a forward pass per input pixel: each level's channels, at its resolution, a few times. */
	public static double bytesPerPixel(int[] blockOutChannels) {
		double sum = 0;
		for (int level = 0; level < blockOutChannels.length; level++) {
			sum += blockOutChannels[level] / Math.pow(4, level);
		}
		return 4.0 * LIVE_TENSORS * sum;
	}
}
