package org.diffusionij.pipelines;

/**
 * The tile side Denoise Image takes by default ({@code tile=auto}): the whole image when it fits the memory
 * budget and is at most {@link #WHOLE_PIXELS} pixels, else the largest square tile up to {@link #MAX_SIDE} that
 * fits; {@link TileAxis} then shrinks the tiles to the fewest that cover the image. A fixed upper side keeps the
 * native memory of a large image flat in its size, and larger tiles stop paying on CPUs: per pixel a forward
 * of the bundled model costs the same from 256 to 528 pixels (3.6–4.3 µs on 2 cores, within the machine's
 * noise), while whole 1024-pixel tiles were slower. 544 lets a 2048-pixel side take 4 tiles of 524 (4.39 Mpx
 * computed for 4.19 of a 2048 x 2048 image, where tiles of at most 256 computed 5.3 Mpx).
 */
public final class TileChoice {

	/** The largest tile side chosen by default. */
	public static final int MAX_SIDE = 544;
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
		return Math.max(MIN_SIDE, side / multiple * multiple);
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
