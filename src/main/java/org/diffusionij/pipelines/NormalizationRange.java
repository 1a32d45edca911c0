package org.diffusionij.pipelines;

import ai.djl.ndarray.NDArray;

/**
 * The affine map {@code x -> (x - low) / (high - low)} fitted to one image, and its exact inverse
 * {@code y -> y * (high - low) + low}, exact up to float rounding (an ulp or two of the range's magnitude: the
 * normalised value is stored as float). Pipelines normalise the input with {@link #apply} and bring the output
 * back to the input's intensities with {@link #invert}.
 * <p>
 * A flat image ({@code high == low}) would divide by zero; then the scale is 1, so the image maps to 0 and the
 * inverse still restores it. CSBDeep adds {@code eps = 1e-20} to the divisor instead, which for any image with
 * contrast is the same in float precision.
 */
public final class NormalizationRange {

	private final double low;
	private final double high;
	private final double scale;

	public NormalizationRange(double low, double high) {
		if (!Double.isFinite(low) || !Double.isFinite(high)) {
			throw new IllegalArgumentException("A normalisation range needs finite ends; got " + low + ", " + high);
		}
		this.low = low;
		this.high = high;
		this.scale = high > low ? high - low : 1.0;
	}

	/** The value that maps to 0. */
	public double low() {
		return low;
	}

	/** The value that maps to 1. */
	public double high() {
		return high;
	}

	/** {@code (x - low) / (high - low)}, in place, computed in double and stored as float. */
	public float[] apply(float[] values) {
		for (int i = 0; i < values.length; i++) values[i] = (float) ((values[i] - low) / scale);
		return values;
	}

	/** The inverse of {@link #apply(float[])}, in place. */
	public float[] invert(float[] values) {
		for (int i = 0; i < values.length; i++) values[i] = (float) (values[i] * scale + low);
		return values;
	}

	/** {@code (x - low) / (high - low)} as a new array in {@code x}'s manager. */
	public NDArray apply(NDArray x) {
		return x.sub((float) low).div((float) scale);
	}

	/** The inverse of {@link #apply(NDArray)}, a new array in {@code y}'s manager. */
	public NDArray invert(NDArray y) {
		return y.mul((float) scale).add((float) low);
	}

	@Override
	public String toString() {
		return "[" + low + ", " + high + "]";
	}
}
