package org.diffusionij.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.diffusionij.io.SafetensorsReader;

/** Test fixtures and the comparison of a result with the tensor diffusers computed. */
final class Reference {

	private Reference() {}

	static Path fixture(String name) throws Exception {
		return Paths.get(Reference.class.getResource("/fixtures/" + name).toURI());
	}

	/** Asserts the same shape as {@code ref}'s tensor {@code name} and a max abs difference within tolerance. */
	static double assertMatches(SafetensorsReader ref, String name, NDArray actual, double tolerance)
		throws Exception
	{
		assertEquals(new ai.djl.ndarray.types.Shape(ref.info(name).shape), actual.getShape(), name);
		return assertClose(ref.floats(name), actual.toFloatArray(), tolerance, name);
	}

	/** Asserts a max abs difference within tolerance and returns it. */
	static double assertClose(float[] expected, float[] got, double tolerance, String what) {
		assertEquals(expected.length, got.length, what);
		double max = 0;
		for (int i = 0; i < got.length; i++) max = Math.max(max, Math.abs(got[i] - expected[i]));
		assertTrue(max <= tolerance, what + ": max abs error " + max);
		return max;
	}
}
