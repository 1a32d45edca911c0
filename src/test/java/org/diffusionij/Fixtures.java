package org.diffusionij;

import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;
import org.diffusionij.io.safetensors.SafetensorsReader;

/**
 * The test fixtures under {@code src/test/resources/fixtures} (tiny diffusers folders and the tensors diffusers
 * computed from them) and the comparison of a result with such a tensor.
 */
public final class Fixtures {

	private Fixtures() {}

	/** A file or folder under {@code fixtures/} on the test class path, e.g. {@code "tiny-ddpm/unet"}. */
	public static Path fixture(String relative) {
		URL url = Fixtures.class.getResource("/fixtures/" + relative);
		if (url == null) throw new IllegalArgumentException("No test fixture fixtures/" + relative);
		try {
			return Paths.get(url.toURI());
		}
		catch (URISyntaxException e) {
			throw new IllegalStateException(e);
		}
	}

	/** The largest {@code |actual[i] − expected[i]|}; fails when the lengths differ. */
	public static double maxAbsDiff(float[] expected, float[] actual) {
		assertEquals(expected.length, actual.length, "length");
		double max = 0;
		for (int i = 0; i < actual.length; i++) max = Math.max(max, Math.abs(actual[i] - expected[i]));
		return max;
	}

	/** Asserts the same length and a max abs difference within tolerance, and returns that difference. */
	public static double assertClose(float[] expected, float[] actual, double tolerance, String what) {
		assertEquals(expected.length, actual.length, what);
		double max = maxAbsDiff(expected, actual);
		assertTrue(max <= tolerance, what + ": max abs error " + max);
		return max;
	}

	/**
	 * Asserts the shape of {@code ref}'s tensor {@code name} and a max abs difference within tolerance, and
	 * returns that difference.
	 */
	public static double assertMatches(SafetensorsReader ref, String name, NDArray actual, double tolerance)
		throws Exception
	{
		assertEquals(new Shape(ref.info(name).shape), actual.getShape(), name);
		return assertClose(ref.floats(name), actual.toFloatArray(), tolerance, name);
	}

	/** A Poisson draw by Knuth's multiplication method (fine for the small means of photon-limited images). */
	public static int poisson(double mean, Random random) {
		double limit = Math.exp(-mean), p = 1;
		int k = 0;
		do {
			k++;
			p *= random.nextDouble();
		}
		while (p > limit);
		return k - 1;
	}
}
