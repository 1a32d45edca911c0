package org.diffusionij.io;

import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configs are written as diffusers writes them: the fixture's own files come out byte for byte. */
class DiffusersJsonTest {

	@TempDir
	Path dir;

	@Test
	void rewritesDiffusersConfigsIdentically() throws Exception {
		for (String name : new String[] { "model_index.json", "unet/config.json",
			"scheduler/scheduler_config.json" })
		{
			Path original = fixture("tiny-ddpm/" + name);
			Path copy = dir.resolve(name.replace('/', '_'));
			ConfigJson.write(ConfigJson.load(original).json(), copy);
			assertEquals(Files.readString(original), Files.readString(copy), name);
		}
	}

	/** Python's {@code repr} of each value, as {@code json.dumps} prints floats. */
	@Test
	void floatsArePrintedAsPythonRepr() {
		double[] values = { 1e-05, 0.0001, 1.0, 0.1, 1e16, 1e15, 0.1 + 0.2, Double.MAX_VALUE, Double.MIN_VALUE,
			0.00012, 2e-05, 0.012, 100.0, 1.5e-07, -0.0, 0.18215, 7.5, 123456789012345680.0, 0.5e-4 };
		String[] python = { "1e-05", "0.0001", "1.0", "0.1", "1e+16", "1000000000000000.0", "0.30000000000000004",
			"1.7976931348623157e+308", "5e-324", "0.00012", "2e-05", "0.012", "100.0", "1.5e-07", "-0.0", "0.18215",
			"7.5", "1.2345678901234568e+17", "5e-05" };
		for (int i = 0; i < values.length; i++) assertEquals(python[i], DiffusersJson.pythonRepr(values[i]));
	}

	@Test
	void sortsEveryLevelAndEscapesAsPython() {
		JsonObject o = new JsonObject();
		o.addProperty("b", 2);
		o.addProperty("a", "é\"\n\u007f");
		JsonObject inner = new JsonObject();
		inner.addProperty("z", 0.5);
		inner.addProperty("y", true);
		inner.add("x", new JsonArray());
		o.add("c", inner);
		o.add("d", new JsonObject());
		String expected = "{\n  \"a\": \"\\u00e9\\\"\\n\\u007f\",\n  \"b\": 2,\n  \"c\": {\n    \"x\": [],\n" +
			"    \"y\": true,\n    \"z\": 0.5\n  },\n  \"d\": {}\n}\n";
		assertEquals(expected, DiffusersJson.toJsonString(o));
	}
}
