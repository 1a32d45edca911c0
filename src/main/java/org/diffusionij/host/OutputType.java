package org.diffusionij.host;

/**
 * The bit depth of a result image. Networks compute in float, so {@link #FLOAT32} keeps everything they
 * produced (values outside the input's range, fractions); {@link #SAME_AS_INPUT} is for users who need the
 * input's type back (8-bit pipelines, RGB photographs), at the cost of rounding and clipping.
 */
public enum OutputType {
	/** A 32-bit float image (one channel per tensor channel; RGB input gives a 3-channel composite). */
	FLOAT32,
	/**
	 * The input's type: values are rounded to the nearest integer and clipped to 0..255 (8-bit, and each of the
	 * r, g, b channels of RGB) or 0..65535 (16-bit); NaN becomes 0. 32-bit input stays float, unchanged.
	 */
	SAME_AS_INPUT
}
