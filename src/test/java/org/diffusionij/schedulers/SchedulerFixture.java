package org.diffusionij.schedulers;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.io.SafetensorsReader;

/** Opens the diffusers reference files under {@code src/test/resources/fixtures} and compares tensors. */
final class SchedulerFixture {

	private SchedulerFixture() {}

	static Path resource(String name) throws Exception {
		return Paths.get(SchedulerFixture.class.getResource("/fixtures/" + name).toURI());
	}

	static SafetensorsReader open(String name) throws Exception {
		return SafetensorsReader.open(resource("ref/" + name + ".safetensors"));
	}

	/** The JSON that the fixture generator stored in the file's metadata (config, settings). */
	static JsonObject meta(SafetensorsReader r) {
		return JsonParser.parseString(r.metadata().get("json")).getAsJsonObject();
	}

	/** The scheduler config recorded in a fixture, under {@code _class_name} {@code className}. */
	static ConfigJson config(SafetensorsReader r, String className) {
		JsonObject c = meta(r).getAsJsonObject("config").deepCopy();
		c.addProperty("_class_name", className);
		return new ConfigJson(c, r.path().getFileName().toString());
	}

	static float maxAbsDiff(float[] a, float[] b) {
		assertEquals(a.length, b.length, "length");
		float max = 0;
		for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
		return max;
	}

	/** Asserts max |actual − expected| ≤ tol for the tensor {@code name}. */
	static void assertClose(SafetensorsReader r, String name, NDArray actual, float tol) throws Exception {
		float[] expected = r.floats(name);
		assertArrayEquals(r.info(name).shape, actual.getShape().getShape(), name + " shape");
		float err = maxAbsDiff(actual.toFloatArray(), expected);
		assertTrue(err <= tol, name + ": max abs error " + err + " > " + tol);
	}
}
