package org.diffusionij.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * An array's values as a Java {@code float[]}, whatever its data type. A conversion happens in a temporary
 * array closed at once, so reading a float16 result does not leave a copy in the caller's manager.
 */
public final class Floats {

	private Floats() {}

	public static float[] of(NDArray array) {
		if (array.getDataType() == DataType.FLOAT32) return array.toFloatArray();
		try (NDArray converted = array.toType(DataType.FLOAT32, true)) {
			return converted.toFloatArray();
		}
	}
}
