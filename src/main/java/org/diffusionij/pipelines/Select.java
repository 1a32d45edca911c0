package org.diffusionij.pipelines;

import java.util.Arrays;
import java.util.function.IntToDoubleFunction;

/**
 * Values of given ranks (the k-th smallest) among {@code n} values computed on demand, without an array of all
 * of them: one pass counts the values into 65536 bins by the top bits of their order-preserving bit pattern, a
 * second collects only the bins that hold the wanted ranks, which are then sorted. The result is the value a full
 * sort would put at index k (NaN last, −0.0 before 0.0, as {@link Arrays#sort(double[])}). A percentile or a
 * threshold of a 16-megapixel image thus costs two passes and a few percent of the image in memory, where a
 * sorted copy cost 4 or 8 bytes per pixel and most of the time.
 */
final class Select {

	private static final int BINS = 1 << 16;

	private Select() {}

	/** The values of ranks {@code ks} (0-based, each below {@code n}) among {@code value(0) … value(n-1)}. */
	static double[] ranks(int n, IntToDoubleFunction value, int... ks) {
		int[] count = new int[BINS];
		for (int i = 0; i < n; i++) count[bin(value.applyAsDouble(i))]++;
		int[] binOf = new int[ks.length], rankIn = new int[ks.length];
		for (int q = 0; q < ks.length; q++) {
			if (ks[q] < 0 || ks[q] >= n) throw new IllegalArgumentException("rank " + ks[q] + " of " + n + " values");
			int below = 0, b = 0;
			while (below + count[b] <= ks[q]) below += count[b++];
			binOf[q] = b;
			rankIn[q] = ks[q] - below;
		}
		double[][] members = new double[BINS][];
		int[] filled = new int[BINS];
		for (int b : binOf) if (members[b] == null) members[b] = new double[count[b]];
		for (int i = 0; i < n; i++) {
			double v = value.applyAsDouble(i);
			int b = bin(v);
			if (members[b] != null) members[b][filled[b]++] = v;
		}
		double[] out = new double[ks.length];
		boolean[] sorted = new boolean[BINS];
		for (int q = 0; q < ks.length; q++) {
			double[] m = members[binOf[q]];
			if (!sorted[binOf[q]]) Arrays.sort(m);
			sorted[binOf[q]] = true;
			out[q] = m[rankIn[q]];
		}
		return out;
	}

	/** The top 16 bits of {@code v}'s bit pattern, made to order as the values do. */
	private static int bin(double v) {
		long bits = Double.doubleToLongBits(v);
		long key = bits ^ ((bits >> 63) & Long.MAX_VALUE);
		return (int) (key >> 48) + BINS / 2;
	}
}
