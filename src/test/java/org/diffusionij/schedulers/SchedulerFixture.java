package org.diffusionij.schedulers;

import static org.diffusionij.Fixtures.fixture;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.io.safetensors.SafetensorsReader;

/** Opens the diffusers scheduler reference files under {@code src/test/resources/fixtures/ref}. */
final class SchedulerFixture {

	private SchedulerFixture() {}

	static SafetensorsReader open(String name) throws Exception {
		return SafetensorsReader.open(fixture("ref/" + name + ".safetensors"));
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
}
