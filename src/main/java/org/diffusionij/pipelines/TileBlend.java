package org.diffusionij.pipelines;

/**
 * Cuts tiles out of a flat NCHW array (mirroring past the edges) and accumulates tile results with their blend
 * weights for one item at a time, in double precision so that weights summing to one reproduce values exactly.
 */
final class TileBlend {

	final int channels;
	private final TileAxis ay;
	private final TileAxis ax;
	private final double[] sum;

	TileBlend(int channels, TileAxis ay, TileAxis ax) {
		this.channels = channels;
		this.ay = ay;
		this.ax = ax;
		this.sum = new double[channels * ay.length * ax.length];
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
				int dst = (c * h + y) * w;
				for (int tx = 0; tx < ax.size; tx++) {
					int x = ax.starts[ix] + tx;
					if (x < 0 || x >= w) continue;
					sum[dst + x] += wy * ax.weight(ix, tx) * result[src + tx];
				}
			}
		}
	}

	/** Writes the blended item {@code n} into {@code out} (NCHW) and clears the accumulator for the next item. */
	void finish(float[] out, int n) {
		int offset = n * sum.length;
		for (int i = 0; i < sum.length; i++) {
			out[offset + i] = (float) sum[i];
			sum[i] = 0;
		}
	}
}
