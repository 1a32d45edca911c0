package org.diffusionij.io.safetensors;

import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SafetensorsReaderTest {

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

	/** Every dtype the reader converts, with values whose conversion is exact, at odd offsets in the data. */
	@Test
	void convertsEachDtype(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
		java.nio.ByteBuffer d = java.nio.ByteBuffer.allocate(38).order(java.nio.ByteOrder.LITTLE_ENDIAN);
		d.putLong(-3).putDouble(0.5).putInt(-70000).putShort((short) 0xbfc0).putShort((short) 0x3c00);
		d.putShort((short) -300).put((byte) -5).put((byte) 250).put((byte) 1).put((byte) 0).put(new byte[4]);
		String h = "{\"i64\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}," +
			"\"f64\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}," +
			"\"i32\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[16,20]}," +
			"\"bf16\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[20,22]}," +
			"\"f16\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[22,24]}," +
			"\"i16\":{\"dtype\":\"I16\",\"shape\":[1],\"data_offsets\":[24,26]}," +
			"\"i8\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[26,27]}," +
			"\"u8\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[27,28]}," +
			"\"bool\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[28,30]}," +
			"\"f32\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[30,38]}}";
		byte[] header = h.getBytes(java.nio.charset.StandardCharsets.UTF_8);
		Path f = SafetensorsFiles.write(dir.resolve("all.safetensors"), header.length, header, d.array());
		try (SafetensorsReader r = SafetensorsReader.open(f)) {
			assertArrayEquals(new long[] { -3 }, r.longs("i64"));
			assertArrayEquals(new double[] { 0.5 }, r.doubles("f64"));
			assertArrayEquals(new long[] { -70000 }, r.longs("i32"));
			assertArrayEquals(new float[] { -1.5f }, r.floats("bf16"));
			assertArrayEquals(new float[] { 1f }, r.floats("f16"));
			assertArrayEquals(new long[] { -300 }, r.longs("i16"));
			assertArrayEquals(new long[] { -5 }, r.longs("i8"));
			assertArrayEquals(new long[] { 250 }, r.longs("u8"));
			assertArrayEquals(new long[] { 1, 0 }, r.longs("bool"));
			assertArrayEquals(new float[2], r.floats("f32"));
			String m = assertThrows(SafetensorsException.class, () -> r.floats("i64")).getMessage();
			assertTrue(m.contains("not a floating-point tensor"), m);
			m = assertThrows(SafetensorsException.class, () -> r.info("nope")).getMessage();
			assertTrue(m.contains("has no tensor named 'nope'"), m);
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
