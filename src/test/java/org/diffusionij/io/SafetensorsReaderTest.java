package org.diffusionij.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

class SafetensorsReaderTest {

	static Path fixture(String name) throws Exception {
		return Paths.get(SafetensorsReaderTest.class.getResource("/fixtures/" + name).toURI());
	}

	@Test
	void readsDiffusersReference() throws Exception {
		try (SafetensorsReader r = SafetensorsReader.open(fixture("unet2d_forward.safetensors"))) {
			assertArrayEquals(new long[] { 2, 1, 32, 32 }, r.info("sample").shape);
			float[] f32 = r.floats("out_t10");
			double[] f64 = r.doubles("out_t10_f64");
			assertEquals(2048, f32.length);
			for (int i = 0; i < f32.length; i++) assertEquals(f64[i], f32[i], 1e-4);
			assertEquals(2, r.longs("timesteps_vec").length);
			assertTrue(r.metadata().get("desc").contains("UNet2DModel"));
		}
	}

	@Test
	void halfFloatRoundTrip() {
		for (int h = 0; h < 0x10000; h++) {
			float f = HalfFloats.halfToFloat((short) h);
			if (Float.isNaN(f)) continue;
			assertEquals((short) h, HalfFloats.floatToHalf(f), "half " + Integer.toHexString(h));
		}
	}
}
