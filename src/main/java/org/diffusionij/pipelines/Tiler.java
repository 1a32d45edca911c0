package org.diffusionij.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Runs a network over an image larger than it can take at once, tile by tile, and blends the tiles into one
 * seamless result. Diffusion networks need sizes that are a multiple of their down-sampling factor (8, 16) and
 * memory that grows with the square of the side, so a large micrograph must be cut.
 * <p>
 * Each item of the NCHW input (a flat {@code float[]}, as pipelines hold image planes) is cut into square tiles
 * of {@code tile} pixels (rounded up to the multiple) that overlap by at least {@code overlap}; an axis no
 * longer than a tile is one tile padded by mirroring up to the multiple (see {@link TileAxis}). The function is
 * called once per tile with a {@code 1 x C x tile x tile} array in its own sub-manager
 * ({@code tile.getManager()}, where the function should create its arrays) that is closed after the tile; it may
 * return another channel count but must keep the height and width, and it is where the caller counts progress
 * and checks for cancellation. Native memory is thus bounded by the tile size, not the image size; the Java
 * heap holds the input and the output once (or only the input, {@link #runInPlace}), plus a band of one tile's
 * height as accumulator.
 * <p>
 * Results are blended with weights that fade out towards shared tile edges and sum to one, accumulated in
 * double precision, so an identity network reproduces the input exactly.
 */
public final class Tiler {

	/** What runs on one tile: NCHW in, NCHW out with the same N, H and W. */
	@FunctionalInterface
	public interface TileFunction {
		NDArray apply(NDArray tile);
	}

	private final int tile;
	private final int overlap;
	private final int multiple;

	/**
	 * @param tile tile side in pixels, rounded up to {@code multiple}
	 * @param overlap least overlap of neighbouring tiles, below the tile side; edge effects of the network should
	 *          reach less than a quarter of it
	 * @param multiple the network's size multiple (1 for any size)
	 */
	public Tiler(int tile, int overlap, int multiple) {
		if (multiple < 1) throw new IllegalArgumentException("The size multiple must be at least 1; got " + multiple);
		this.tile = TileAxis.roundUp(Math.max(tile, 1), multiple);
		if (overlap < 0 || overlap >= this.tile) {
			throw new IllegalArgumentException("The tile overlap must be 0 or more and less than the tile size (" +
				this.tile + "); got " + overlap + ".");
		}
		this.overlap = overlap;
		this.multiple = multiple;
	}

	/** Tile side in pixels after rounding up to the multiple. */
	public int tileSize() {
		return tile;
	}

	/** The number of tiles of one {@code height x width} item. */
	public int tiles(int height, int width) {
		return new TileAxis(height, tile, overlap, multiple).count() * new TileAxis(width, tile, overlap, multiple)
			.count();
	}

	/** The pixels the network computes for one {@code height x width} item: its tiles' areas. */
	public long computedPixels(int height, int width) {
		TileAxis ay = new TileAxis(height, tile, overlap, multiple), ax = new TileAxis(width, tile, overlap, multiple);
		return (long) ay.count() * ay.size * ax.count() * ax.size;
	}

	/**
	 * Runs {@code function} over {@code image}, {@code items x channels x height x width} values in NCHW order.
	 *
	 * @param manager where the tiles are made (its device)
	 * @return the blended result, {@code items x outChannels x height x width}; the input is not changed
	 */
	public float[] run(float[] image, int items, int channels, int height, int width, NDManager manager,
		TileFunction function)
	{
		return run(image, items, channels, height, width, manager, function, false);
	}

	/**
	 * As {@link #run}, for a function that keeps the channel count, writing the result over {@code image} (no
	 * second whole-image array): a band's rows are written once no later tile reads them.
	 *
	 * @return {@code image}, now the result
	 */
	public float[] runInPlace(float[] image, int items, int channels, int height, int width, NDManager manager,
		TileFunction function)
	{
		return run(image, items, channels, height, width, manager, function, true);
	}

	private float[] run(float[] image, int items, int channels, int height, int width, NDManager manager,
		TileFunction function, boolean inPlace)
	{
		if ((long) items * channels * height * width != image.length) {
			throw new IllegalArgumentException(image.length + " values are not " + items + " x " + channels + " x " +
				height + " x " + width + ".");
		}
		TileAxis ay = new TileAxis(height, tile, overlap, multiple);
		TileAxis ax = new TileAxis(width, tile, overlap, multiple);
		float[] out = null;
		TileBlend blend = null;
		for (int n = 0; n < items; n++) {
			for (int iy = 0; iy < ay.count(); iy++) {
				for (int ix = 0; ix < ax.count(); ix++) {
					float[] cut = TileBlend.cut(image, n, channels, ay, iy, ax, ix);
					try (NDManager scope = manager.newSubManager()) {
						NDArray result = function.apply(scope.create(cut, new Shape(1, channels, ay.size, ax.size)));
						int outChannels = checkShape(result.getShape(), ay.size, ax.size);
						if (blend == null) {
							if (inPlace && outChannels != channels) {
								throw new IllegalStateException("In place, the network must keep the " + channels +
									" channels; it returned " + outChannels + ".");
							}
							blend = new TileBlend(outChannels, ay, ax);
							out = inPlace ? image : new float[Math.multiplyExact(items * outChannels, ay.length * ax
								.length)];
						}
						if (outChannels != blend.channels) {
							throw new IllegalStateException("The network returned " + outChannels + " channels for one" +
								" tile and " + blend.channels + " for another.");
						}
						blend.add(Floats.of(result), iy, ix);
					}
				}
				blend.flush(out, n, iy + 1 < ay.count() ? ay.starts[iy + 1] : height);
			}
		}
		return out;
	}

	private static int checkShape(Shape r, int height, int width) {
		if (r.dimension() != 4 || r.get(0) != 1 || r.get(2) != height || r.get(3) != width) {
			throw new IllegalStateException("A tile of 1x?x" + height + "x" + width + " came back as " + r +
				"; the network must keep the batch, height and width.");
		}
		return (int) r.get(1);
	}
}
