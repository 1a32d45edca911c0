package org.diffusionij.io.safetensors;

import static org.junit.jupiter.api.Assertions.*;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per header rule: each hostile or broken header is refused with a message that names the problem. */
class SafetensorsValidationTest {

	@TempDir
	Path dir;

	private static String entry(String name, String dtype, String shape, long begin, long end) {
		return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin +
			"," + end + "]}";
	}

	private String error(String json, int dataBytes) throws Exception {
		return SafetensorsFiles.openError(SafetensorsFiles.write(dir.resolve("t.safetensors"), json, dataBytes));
	}

	private static void contains(String message, String... parts) {
		assertTrue(message.startsWith("Safetensors file t.safetensors "), message);
		for (String p : parts) assertTrue(message.contains(p), "'" + p + "' missing in: " + message);
	}

	@Test
	void acceptsAValidFile() throws Exception {
		Path f = SafetensorsFiles.write(dir.resolve("ok.safetensors"), "{" + entry("a", "F32", "[2,2]", 0, 16) +
			"," + entry("b", "I64", "[]", 16, 24) + "}", 24);
		try (SafetensorsReader r = SafetensorsReader.open(f)) {
			assertArrayEquals(new float[4], r.floats("a"));
			assertArrayEquals(new long[1], r.longs("b"));
		}
	}

	@Test
	void aFileTruncatedAfterOpeningFailsCleanly() throws Exception {
		Path f = SafetensorsFiles.write(dir.resolve("t.safetensors"), "{" + entry("a", "F32", "[4]", 0, 16) + "}",
			16);
		try (SafetensorsReader r = SafetensorsReader.open(f)) {
			try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f,
				java.nio.file.StandardOpenOption.WRITE))
			{
				ch.truncate(ch.size() - 4);
			}
			String m = assertThrows(SafetensorsException.class, () -> r.floats("a")).getMessage();
			assertTrue(m.contains("became shorter after it was opened"), m);
		}
	}

	@Test
	void headerLengthBeyondTheFileFailsBeforeAllocating() throws Exception {
		Path f = SafetensorsFiles.write(dir.resolve("t.safetensors"), 90_000_000L, new byte[] { '{', '}' },
			new byte[1014]);
		long before = SafetensorsFiles.allocatedBytes();
		String m = SafetensorsFiles.openError(f);
		long allocated = SafetensorsFiles.allocatedBytes() - before;
		contains(m, "invalid header length (90000000 bytes in a file of 1024 bytes)", "corrupt, truncated");
		assertTrue(allocated < 1_000_000, "allocated " + allocated + " bytes for a 1 KB file");
	}

	@Test
	void headerLengthAboveTheLimitInALargeFile() throws Exception {
		Path f = SafetensorsFiles.write(dir.resolve("t.safetensors"), 150_000_000L, new byte[] { '{', '}' },
			new byte[0]);
		try (RandomAccessFile sparse = new RandomAccessFile(f.toFile(), "rw")) {
			sparse.setLength(200_000_000L);
		}
		contains(SafetensorsFiles.openError(f), "invalid header length (150000000 bytes");
	}

	@Test
	void negativeAndTinyHeaderLengths() throws Exception {
		Path f = SafetensorsFiles.write(dir.resolve("t.safetensors"), -1L, new byte[] { '{', '}' }, new byte[0]);
		contains(SafetensorsFiles.openError(f), "invalid header length (18446744073709551615 bytes");
		f = SafetensorsFiles.write(dir.resolve("t.safetensors"), 0L, new byte[] { '{', '}' }, new byte[0]);
		contains(SafetensorsFiles.openError(f), "invalid header length (0 bytes");
		java.nio.file.Files.write(f, new byte[3]);
		contains(SafetensorsFiles.openError(f), "too short", "(3 bytes)");
	}

	@Test
	void pickleCheckpointRenamedToSafetensorsGetsAHint() throws Exception {
		byte[] pickle = { (byte) 0x80, 2, 'c', 'c', 'o', 'l', 'l', 'e', 'c', 't', 'i', 'o', 'n', 's' };
		Path f = dir.resolve("t.safetensors");
		java.nio.file.Files.write(f, pickle);
		contains(SafetensorsFiles.openError(f), "pickle checkpoint", "save_pretrained");
	}

	@Test
	void offsetsMustLieInsideTheData() throws Exception {
		contains(error("{" + entry("w", "F32", "[4]", 0, 16) + "}", 8), "entry 'w'", "outside the data section",
			"offsets 0..16, data section 8 bytes");
		contains(error("{" + entry("w", "F32", "[0]", 8, 4) + "}", 8), "outside the data section");
		contains(error("{" + entry("w", "F32", "[1]", 999999999999999999L, 999999999999999999L) + "}", 8),
			"outside the data section");
	}

	@Test
	void rangesMustNotOverlapNorLeaveGaps() throws Exception {
		contains(error("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}", 12),
			"entries 'a' and 'b' whose data overlap");
		contains(error("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}", 12),
			"data bytes 4..8 before entry 'b' unused");
		contains(error("{" + entry("a", "F32", "[1]", 0, 4) + "}", 12), "12 bytes of data but its header " +
			"describes 4");
	}

	@Test
	void shapeTimesDtypeMustEqualTheByteRange() throws Exception {
		contains(error("{" + entry("w", "F16", "[2,3]", 0, 8) + "}", 8), "entry 'w'",
			"shape and dtype need 12 bytes but whose data_offsets hold 8 bytes");
		contains(error("{" + entry("w", "F64", "[4294967296,4294967296]", 0, 8) + "}", 8), "too large to exist");
	}

	@Test
	void dtypesMustBeKnown() throws Exception {
		contains(error("{" + entry("w", "F33", "[1]", 0, 4) + "}", 4), "entry 'w'", "unknown dtype 'F33'");
		contains(error("{" + entry("w", "F8_E4M3", "[1]", 0, 1) + "}", 1), "dtype F8_E4M3", "float32 or float16");
		contains(error("{\"w\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "dtype is not a string");
	}

	@Test
	void shapesAndOffsetsMustBeNonNegativeIntegers() throws Exception {
		contains(error("{" + entry("w", "F32", "[\"4\"]", 0, 16) + "}", 16), "non-numeric shape");
		contains(error("{" + entry("w", "F32", "[-4]", 0, 16) + "}", 16), "shape value -4, not a non-negative");
		contains(error("{" + entry("w", "F32", "[1.5]", 0, 4) + "}", 4), "shape value 1.5");
		contains(error("{" + entry("w", "F32", "[1e3]", 0, 4000) + "}", 4000), "shape value 1e3");
		contains(error("{" + entry("w", "F32", "7", 0, 4) + "}", 4), "shape is not an array");
		contains(error("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 4),
			"needs two data_offsets");
		contains(error("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "without data_offsets");
		contains(error("{" + entry("w", "F32", "[99999999999999999999]", 0, 4) + "}", 4), "shape value 9999");
	}

	@Test
	void theJsonMustBeOneStrictObject() throws Exception {
		contains(error("[1,2]", 0), "not a JSON object");
		contains(error("{\"a\":", 0), "not valid JSON");
		contains(error("{a:{dtype:F32,shape:[1],data_offsets:[0,4]}}", 4), "not valid JSON");
		contains(error("{} {}", 0), "not valid JSON");
		contains(error("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("a", "F32", "[1]", 4, 8) + "}", 8),
			"names 'a' twice");
		contains(error("{\"__metadata__\":{\"format\":1}}", 0), "__metadata__ value 'format' that is not a string");
		contains(error("{\"w\":[]}", 0), "entry 'w' that is not an object");
	}

	@Test
	void deepNestingAndBadUtf8AreRefused() throws Exception {
		StringBuilder deep = new StringBuilder("{\"w\":{\"x\":");
		for (int i = 0; i < 100_000; i++) deep.append('[');
		contains(error(deep.toString(), 0), "nested deeper than 16 levels");
		byte[] h = { '{', '"', (byte) 0xc3, (byte) 0x28, '"', ':', '1', '}' };
		Path f = SafetensorsFiles.write(dir.resolve("t.safetensors"), h.length, h, new byte[0]);
		contains(SafetensorsFiles.openError(f), "not valid UTF-8");
	}

	@Test
	void trailingSpacesAreAllowedAndUnknownFieldsIgnored() throws Exception {
		Path f = SafetensorsFiles.write(dir.resolve("ok.safetensors"), "{\"w\":{\"dtype\":\"BF16\",\"extra\":[[1]]," +
			"\"shape\":[1],\"data_offsets\":[0,2]}}    ", 2);
		try (SafetensorsReader r = SafetensorsReader.open(f)) {
			assertArrayEquals(new float[1], r.floats("w"));
		}
	}
}
