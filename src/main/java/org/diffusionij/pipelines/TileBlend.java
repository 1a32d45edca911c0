package org.diffusionij.pipelines;

/**
 * Cuts tiles out of a flat NCHW array (mirroring past the edges) and accumulates tile results with their blend
 * weights, in double precision so that weights summing to one reproduce values exactly. Only one band of tile
 * rows is accumulated at a time ({@code channels x tile x width} values, not the whole image): once a band is
 * done, the rows above the next band's first row get no more contributions and are written out.
 */
final class TileBlend {

	final int channels;
	private final TileAxis ay;
	private final TileAxis ax;
	private final double[] sum;
	/** Image row of the band's first accumulator row (the current band's start). */
	private int base;

	TileBlend(int channels, TileAxis ay, TileAxis ax) {
		this.channels = channels;
		this.ay = ay;
		this.ax = ax;
		this.sum = new double[channels * ay.size * ax.length];
		this.base = ay.starts[0];
	}

	/** Tile ({@code iy}, {@code ix}) of item {@code n}: {@code channels x ay.size x ax.size} values. */
	static float[] cut(float[] image, int n, int channels, TileAxis ay, int iy, TileAxis ax, int ix) {
		int h = ay.length;
		int w = ax.length;
		float[] tile = new float[channels * ay.size * ax.size];
		int[] xs = new int[ax.size];
		for (int j = 0; j < ax.size; j++) xs[j] = ax.source(ix, j);
		int k = 0;
		for (int c = 0; c < channels; c++) {
			int plane = (n * channels + c) * h * w;
			for (int ty = 0; ty < ay.size; ty++) {
				int row = plane + ay.source(iy, ty) * w;
				for (int tx = 0; tx < ax.size; tx++) tile[k++] = image[row + xs[tx]];
			}
		}
		return tile;
	}

	/** Adds the weighted result of tile ({@code iy}, {@code ix}); pixels outside the image (padding) are dropped. */
	void add(float[] result, int iy, int ix) {
		int h = ay.length;
		int w = ax.length;
		for (int c = 0; c < channels; c++) {
			for (int ty = 0; ty < ay.size; ty++) {
				int y = ay.starts[iy] + ty;
				double wy = ay.weight(iy, ty);
				if (y < 0 || y >= h || wy == 0) continue;
				int src = (c * ay.size + ty) * ax.size;
				int dst = (c * ay.size + y - base) * w;
				for (int tx = 0; tx < ax.size; tx++) {
					int x = ax.starts[ix] + tx;
					if (x < 0 || x >= w) continue;
					sum[dst + x] += wy * ax.weight(ix, tx) * result[src + tx];
				}
			}
		}
	}

	/**
	 * Writes the finished rows of item {@code n} into {@code out} (NCHW): those above {@code next}, the first row
	 * of the next band (the image height after the last band); the rest moves up to start the next band.
	 */
	void flush(float[] out, int n, int next) {
		int h = ay.length;
		int w = ax.length;
		int done = Math.min(next, h) - base;
		for (int c = 0; c < channels; c++) {
			int band = c * ay.size * w;
			int plane = (n * channels + c) * h * w;
			for (int r = Math.max(0, -base); r < done; r++) {
				int from = band + r * w;
				int to = plane + (base + r) * w;
				for (int x = 0; x < w; x++) out[to + x] = (float) sum[from + x];
			}
			int keep = Math.max(0, ay.size - done);
			System.arraycopy(sum, band + done * w, sum, band, keep * w);
			java.util.Arrays.fill(sum, band + keep * w, band + ay.size * w, 0);
		}
		base = next >= h ? ay.starts[0] : next;
	}
}
