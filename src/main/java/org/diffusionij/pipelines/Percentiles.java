package org.diffusionij.pipelines;

import java.util.Arrays;

/**
 * Percentiles computed exactly as numpy's default ({@code np.percentile(a, q)}, method {@code "linear"}): the
 * sorted values are indexed at {@code q/100 * (n-1)} and neighbours are interpolated linearly, with numpy's
 * two-sided lerp, in double precision (bit-identical to numpy on float64 data; on float32 data numpy may round
 * the result to float32). Normalisations stored with
 * models (CSBDeep-style 1 / 99.8 percent) must reproduce what Python computed on the same image.
 */
public final class Percentiles {

	private Percentiles() {}

	/**
	 * The percentiles {@code qs} (each in 0..100) of {@code values}.
	 *
	 * @throws IllegalArgumentException when there are no values, a value is NaN or infinite, or a q is out of range
	 */
	public static double[] of(float[] values, double... qs) {
		if (values.length == 0) throw new IllegalArgumentException("Percentiles of an empty image are undefined.");
		float[] sorted = values.clone();
		Arrays.sort(sorted);
		if (!Float.isFinite(sorted[0]) || !Float.isFinite(sorted[sorted.length - 1])) {
			throw new IllegalArgumentException("Percentiles need finite values; the data contain NaN or Infinity.");
		}
		double[] out = new double[qs.length];
		for (int i = 0; i < qs.length; i++) out[i] = ofSorted(sorted, qs[i]);
		return out;
	}

	/** The percentile {@code q} (0..100) of values already sorted ascending. */
	public static double ofSorted(float[] sorted, double q) {
		if (!(q >= 0 && q <= 100)) throw new IllegalArgumentException("Percentile " + q + " is not in 0..100.");
		double index = q / 100.0 * (sorted.length - 1);
		int below = (int) Math.floor(index);
		int above = Math.min(below + 1, sorted.length - 1);
		return lerp(sorted[below], sorted[above], index - below);
	}

	/** numpy's {@code _lerp}: {@code a + (b-a)t}, computed from the nearer end when {@code t >= 0.5}. */
	static double lerp(double a, double b, double t) {
		double diff = b - a;
		return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
	}
}
