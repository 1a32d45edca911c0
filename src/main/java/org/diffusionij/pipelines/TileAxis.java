package org.diffusionij.pipelines;

/**
 * Where tiles lie along one image axis and how much each tile's pixels weigh in the blend.
 * <p>
 * An axis no longer than the tile gets one tile, grown to the network's multiple and centred, the excess
 * filled by mirror (reflect) padding. A longer axis gets as few tiles as the tile side allows with neighbours
 * overlapping by at least {@code overlap}, each shrunk to the smallest multiple that still covers the axis, all
 * inside the image and spread evenly from edge to edge: the pixels computed twice are little more than the
 * overlap asks (2048 pixels in tiles of at most 256 overlapping by 16, multiple 8: 9 tiles of 248 that overlap
 * by 23, where fixed steps of 240 would compute 9 tiles of 256).
 * <p>
 * Weights fall to zero towards edges shared with a neighbouring tile, where a network's view is cut off: the
 * outer quarter of the overlap weighs 0 and the middle half rises along a raised cosine. Weights are divided by
 * their sum over all tiles covering the pixel, so they sum to one; a network that is exact per tile is exact
 * through tiling, and one whose edge effects reach less than a quarter of the overlap shows no seam.
 */
final class TileAxis {

	final int length;
	final int size;
	final int[] starts;
	/** Blend weight of tile i's pixel j, already normalised by the sum over tiles. */
	private final double[][] weights;

	TileAxis(int length, int tile, int overlap, int multiple) {
		this.length = length;
		if (length <= tile) {
			size = roundUp(length, multiple);
			starts = new int[] { -((size - length) / 2) };
		}
		else {
			int count = (length - overlap + tile - overlap - 1) / (tile - overlap);
			size = Math.min(tile, roundUp((length + (count - 1) * overlap + count - 1) / count, multiple));
			starts = new int[count];
			for (int i = 0; i < count; i++) starts[i] = (int) Math.round((double) i * (length - size) / (count - 1));
		}
		weights = normalisedWeights(overlap);
	}

	int count() {
		return starts.length;
	}

	double weight(int tileIndex, int j) {
		return weights[tileIndex][j];
	}

	/** The image coordinate tile pixel {@code j} of tile {@code i} shows, mirrored at the image edges. */
	int source(int i, int j) {
		return reflect(starts[i] + j, length);
	}

	/** numpy's "reflect" padding (edge not repeated): ... 2 1 | 0 1 2 ... n-1 | n-2 n-3 ..., any distance. */
	static int reflect(int i, int n) {
		if (n == 1) return 0;
		int period = 2 * (n - 1);
		int k = Math.floorMod(i, period);
		return k < n ? k : period - k;
	}

	static int roundUp(int value, int multiple) {
		return (value + multiple - 1) / multiple * multiple;
	}

	private double[][] normalisedWeights(int overlap) {
		int count = starts.length;
		double[][] w = new double[count][size];
		double[] sum = new double[length];
		for (int i = 0; i < count; i++) {
			for (int j = 0; j < size; j++) {
				double v = 1;
				if (i > 0) v *= ramp(j, overlap);
				if (i < count - 1) v *= ramp(size - 1 - j, overlap);
				w[i][j] = v;
				int y = starts[i] + j;
				if (y >= 0 && y < length) sum[y] += v;
			}
		}
		for (int i = 0; i < count; i++) {
			for (int j = 0; j < size; j++) {
				int y = starts[i] + j;
				w[i][j] = y >= 0 && y < length ? w[i][j] / sum[y] : 0;
			}
		}
		return w;
	}

	/** Weight at distance {@code d} from a shared edge: 0 in the outer quarter, a raised cosine, then 1. */
	static double ramp(int d, int overlap) {
		int margin = overlap / 4;
		int rise = overlap - 2 * margin;
		if (d < margin) return 0;
		if (d >= margin + rise) return 1;
		double u = (d - margin + 0.5) / rise;
		return 0.5 - 0.5 * Math.cos(Math.PI * u);
	}
}
