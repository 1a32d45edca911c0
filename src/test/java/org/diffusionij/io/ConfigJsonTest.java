package org.diffusionij.io;

import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unsupported config keys are reported by name, never dropped silently. */
class ConfigJsonTest {

	@Test
	void reportsKeysThatNoGetterRead() throws Exception {
		ConfigJson c = ConfigJson.load(fixture("tiny-ddpm/scheduler/scheduler_config.json"));
		assertEquals("DDPMScheduler", c.className());
		assertEquals(1000, c.getInt("num_train_timesteps", 0));
		assertEquals(0.0001, c.getDouble("beta_start", 0), 0);
		assertEquals("linear", c.getString("beta_schedule", null));
		assertTrue(c.getBoolean("clip_sample", false));
		assertNull(c.getIntOrNull("trained_betas"));
		c.accept("thresholding", "dynamic_thresholding_ratio", "sample_max_value");
		List<String> unused = c.unusedKeys();
		assertEquals(Arrays.asList("beta_end", "clip_sample_range", "prediction_type", "rescale_betas_zero_snr",
			"steps_offset", "timestep_spacing", "variance_type"), unused);
		assertFalse(unused.contains("_class_name"), "bookkeeping keys are not reported");
	}

	@Test
	void absentKeysGiveDefaultsAndUnknownKeysAreReported() {
		ConfigJson c = ConfigJson.parse("{\"_class_name\":\"UNet2DModel\",\"block_out_channels\":[32,64]," +
			"\"attention_head_dim\":8,\"my_new_option\":true,\"norm_eps\":null}", "test");
		assertArrayEquals(new int[] { 32, 64 }, c.getInts("block_out_channels", null));
		assertArrayEquals(new int[] { 8 }, c.getInts("attention_head_dim", null), "an int where a list may be");
		assertEquals(1e-5, c.getDouble("norm_eps", 1e-5), 0, "null means the default");
		assertEquals(2, c.getInt("layers_per_block", 2));
		assertEquals(Arrays.asList("my_new_option"), c.unusedKeys());
		assertFalse(c.has("norm_eps"));
		assertTrue(c.has("my_new_option"));
	}

	@Test
	void valuesOfTheWrongKindAreNamedWithTheFileAndKey() {
		ConfigJson c = ConfigJson.parse("{\"sample_size\":\"large\",\"clip_sample\":7,\"block_out_channels\":" +
			"[32,\"x\"],\"betas\":{\"a\":1},\"layers_per_block\":2.5,\"steps_offset\":\"1\"}", "scheduler.json");
		assertEquals("scheduler.json: \"sample_size\" is \"large\", but it must be a whole number. Correct the value " +
			"or download or copy the model folder again.", assertThrows(IllegalArgumentException.class,
				() -> c.getInt("sample_size", 0)).getMessage());
		assertTrue(assertThrows(IllegalArgumentException.class, () -> c.getBoolean("clip_sample", true)).getMessage()
			.contains("\"clip_sample\" is 7, but it must be true or false"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> c.getInts("block_out_channels", null))
			.getMessage().contains("is [32,\"x\"], but it must be a list of whole numbers"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> c.getDoubles("betas", null)).getMessage()
			.contains("must be a list of numbers"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> c.getInt("layers_per_block", 2)).getMessage()
			.contains("is 2.5, but it must be a whole number"));
		assertEquals(1, c.getInt("steps_offset", 0), "a number written as text, as Gson reads it");
	}
}
