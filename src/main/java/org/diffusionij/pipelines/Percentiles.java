package org.diffusionij.pipelines;

/**
 * Percentiles computed exactly as numpy's default ({@code np.percentile(a, q)}, method {@code "linear"}): the
 * values in ascending order (found by {@link Select}, not a full sort) are indexed at {@code q/100 * (n-1)} and
 * neighbours are interpolated linearly, with numpy's two-sided lerp, in double precision (bit-identical to numpy on float64 data; on float32 data numpy may round
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
		for (float v : values) {
			if (!Float.isFinite(v)) {
				throw new IllegalArgumentException("Percentiles need finite values; the data contain NaN or Infinity.");
			}
		}
		double[] index = new double[qs.length];
		int[] ranks = new int[2 * qs.length];
		for (int i = 0; i < qs.length; i++) {
			index[i] = checkedIndex(qs[i], values.length);
			ranks[2 * i] = (int) Math.floor(index[i]);
			ranks[2 * i + 1] = Math.min(ranks[2 * i] + 1, values.length - 1);
		}
		double[] v = Select.ranks(values.length, i -> values[i], ranks);
		double[] out = new double[qs.length];
		for (int i = 0; i < qs.length; i++) out[i] = lerp(v[2 * i], v[2 * i + 1], index[i] - ranks[2 * i]);
		return out;
	}

	/** numpy's index {@code q/100 * (n-1)} of percentile {@code q}, refused outside 0..100. */
	private static double checkedIndex(double q, int n) {
		if (!(q >= 0 && q <= 100)) throw new IllegalArgumentException("Percentile " + q + " is not in 0..100.");
		return q / 100.0 * (n - 1);
	}

	/** numpy's {@code _lerp}: {@code a + (b-a)t}, computed from the nearer end when {@code t >= 0.5}. */
	static double lerp(double a, double b, double t) {
		double diff = b - a;
		return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
	}
}
