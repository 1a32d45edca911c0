package org.diffusionij.pipelines;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import java.util.Locale;

/**
 * How image intensities are mapped to the network's range before a model sees them, stored with the model
 * (see {@link #toJson()}) so that inference normalises as training did.
 * <p>
 * Two kinds: {@link #percentile percentile} (the default, low 1 % and high 99.8 %, as CSBDeep does; the
 * percentiles are computed from each image with {@link Percentiles}, numpy's linear method) and
 * {@link #fixed fixed} (a stated min and max, e.g. 0 and 255 for 8-bit photographs). {@link #fit fitting} an
 * image gives a {@link NormalizationRange}: {@code x -> (x - low) / (high - low)} and its exact inverse. The
 * network's {@code [-1, 1]} range is one more affine step, {@link #toUnit} / {@link #fromUnit}, which
 * pipelines apply after normalising.
 */
public final class Normalization {

	/** The two kinds, with the names used in JSON. */
	public enum Kind {
		PERCENTILE("percentile"), FIXED("fixed");

		public final String key;

		Kind(String key) {
			this.key = key;
		}
	}

	public static final double DEFAULT_LOW_PERCENT = 1.0;
	public static final double DEFAULT_HIGH_PERCENT = 99.8;

	private final Kind kind;
	private final double low;
	private final double high;

	private Normalization(Kind kind, double low, double high) {
		this.kind = kind;
		this.low = low;
		this.high = high;
	}

	/** CSBDeep's default: 1 % to 99.8 %. */
	public static Normalization percentile() {
		return percentile(DEFAULT_LOW_PERCENT, DEFAULT_HIGH_PERCENT);
	}

	/** Percentile normalisation between {@code lowPercent} and {@code highPercent} (0..100, low &lt; high). */
	public static Normalization percentile(double lowPercent, double highPercent) {
		if (!(lowPercent >= 0 && highPercent <= 100 && lowPercent < highPercent)) {
			throw new IllegalArgumentException("Percentiles must satisfy 0 <= low < high <= 100; got low=" +
				lowPercent + ", high=" + highPercent + ".");
		}
		return new Normalization(Kind.PERCENTILE, lowPercent, highPercent);
	}

	/** A fixed range: {@code min} maps to 0 and {@code max} to 1. */
	public static Normalization fixed(double min, double max) {
		if (!(Double.isFinite(min) && Double.isFinite(max) && min < max)) {
			throw new IllegalArgumentException("A fixed normalisation range needs finite min < max; got min=" + min +
				", max=" + max + ".");
		}
		return new Normalization(Kind.FIXED, min, max);
	}

	public Kind kind() {
		return kind;
	}

	/** The low percentile (percentile kind) or the min (fixed kind). */
	public double low() {
		return low;
	}

	/** The high percentile (percentile kind) or the max (fixed kind). */
	public double high() {
		return high;
	}

	/** The range for these values: their percentiles, or the fixed range. */
	public NormalizationRange fit(float[] values) {
		if (kind == Kind.FIXED) return new NormalizationRange(low, high);
		double[] p = Percentiles.of(values, low, high);
		return new NormalizationRange(p[0], p[1]);
	}

	/** The range for the values of {@code array} (all of them, every item and channel). */
	public NormalizationRange fit(NDArray array) {
		if (kind == Kind.FIXED) return new NormalizationRange(low, high);
		return fit(Floats.of(array));
	}

	/** {@code [0, 1] -> [-1, 1]}: {@code 2x - 1}, the range diffusion networks work in. */
	public static NDArray toUnit(NDArray x) {
		return x.mul(2f).sub(1f);
	}

	/** {@code [-1, 1] -> [0, 1]}: {@code (x + 1) / 2}, the inverse of {@link #toUnit}. */
	public static NDArray fromUnit(NDArray x) {
		return x.add(1f).div(2f);
	}

	/** {@code {"type": "percentile", "low": 1.0, "high": 99.8}} or {@code {"type": "fixed", "min": 0, "max": 255}}. */
	public JsonObject toJson() {
		JsonObject o = new JsonObject();
		o.addProperty("type", kind.key);
		o.addProperty(kind == Kind.FIXED ? "min" : "low", low);
		o.addProperty(kind == Kind.FIXED ? "max" : "high", high);
		return o;
	}

	/** Reads what {@link #toJson()} wrote; a missing or unknown field gives a message naming it. */
	public static Normalization fromJson(JsonObject o) {
		String type = o.has("type") ? o.get("type").getAsString().toLowerCase(Locale.ROOT) : "";
		if (type.equals(Kind.PERCENTILE.key)) return percentile(number(o, "low"), number(o, "high"));
		if (type.equals(Kind.FIXED.key)) return fixed(number(o, "min"), number(o, "max"));
		throw new IllegalArgumentException("Normalisation type must be \"percentile\" or \"fixed\"; got " + o + ".");
	}

	private static double number(JsonObject o, String key) {
		if (!o.has(key) || !o.get(key).isJsonPrimitive()) {
			throw new IllegalArgumentException("Normalisation " + o + " lacks the number \"" + key + "\".");
		}
		return o.get(key).getAsDouble();
	}

	@Override
	public boolean equals(Object other) {
		if (!(other instanceof Normalization)) return false;
		Normalization n = (Normalization) other;
		return kind == n.kind && low == n.low && high == n.high;
	}

	@Override
	public int hashCode() {
		return kind.hashCode() * 31 + Double.hashCode(low) * 17 + Double.hashCode(high);
	}

	@Override
	public String toString() {
		return toJson().toString();
	}
}
