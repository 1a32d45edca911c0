package org.diffusionij.io.safetensors;

import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.diffusionij.io.AtomicFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer produces the reference implementation's bytes; what it writes reads back unchanged. */
class SafetensorsWriterTest {

	@TempDir
	Path dir;

	/** The reference's own serialization test: one F32 tensor "attn.0" of shape [1,2,3] holding 0..5. */
	@Test
	void matchesTheReferenceSerializationBytes() throws Exception {
		Path f = dir.resolve("a.safetensors");
		new SafetensorsWriter().add("attn.0", new float[] { 0, 1, 2, 3, 4, 5 }, 1, 2, 3).write(f);
		int[] expected = { 64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116,
			121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44,
			51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93,
			125, 125, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64 };
		assertBytes(expected, Files.readAllBytes(f));
	}

	/** The reference's empty file, with and without metadata: "{}" and the header padded with spaces. */
	@Test
	void matchesTheReferenceEmptyFiles() throws Exception {
		Path f = dir.resolve("e.safetensors");
		new SafetensorsWriter().write(f);
		assertBytes(new int[] { 8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32 }, Files.readAllBytes(f));
		new SafetensorsWriter().metadata(Collections.singletonMap("framework", "pt")).write(f);
		byte[] b = Files.readAllBytes(f);
		assertEquals(40, b[0]);
		assertEquals("{\"__metadata__\":{\"framework\":\"pt\"}}     ", new String(b, 8, 40, StandardCharsets.UTF_8));
		try (SafetensorsReader r = SafetensorsReader.open(f)) {
			assertTrue(r.tensors().isEmpty());
			assertEquals("pt", r.metadata().get("framework"));
		}
	}

	/** A file diffusers wrote, read with our reader and written again, is the same file byte for byte. */
	@Test
	void rewritesADiffusersFileIdentically() throws Exception {
		Path original = fixture("tiny-ddpm/unet/diffusion_pytorch_model.safetensors");
		Path copy = dir.resolve("copy.safetensors");
		SafetensorsWriter w = new SafetensorsWriter().metadata(SafetensorsWriter.diffusersMetadata());
		try (SafetensorsReader r = SafetensorsReader.open(original)) {
			for (TensorInfo t : r.tensors().values()) w.add(t.name, r.floats(t.name), t.shape);
			w.write(copy);
		}
		assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(copy));
	}

	/** Mixed dtypes are ordered as the reference orders them: I64, then F32, then F16, each by name. */
	@Test
	void ordersByDtypeAlignmentThenName() throws Exception {
		Path f = dir.resolve("m.safetensors");
		float[] values = { 1.5f, -2.25f, 65504f, 1e-8f };
		new SafetensorsWriter().addHalf("h", values, 2, 2).add("b", values, 4).add("a", new float[] { 7 })
			.add("ids", new long[] { 3, -4 }, 2).add("é", new float[0], 0).add("z", new float[0], 0).write(f);
		try (SafetensorsReader r = SafetensorsReader.open(f)) {
			assertEquals("[ids, a, b, z, é, h]", r.tensors().keySet().toString());
			assertArrayEquals(new long[] { 3, -4 }, r.longs("ids"));
			assertArrayEquals(values, r.floats("b"));
			assertArrayEquals(new float[] { 1.5f, -2.25f, 65504f, 0f }, r.floats("h"));
			assertEquals(TensorInfo.DType.F16, r.info("h").dtype);
			assertArrayEquals(new long[] { 2, 2 }, r.info("h").shape);
			assertArrayEquals(new long[0], r.info("a").shape);
		}
		int headerLength = Files.readAllBytes(f)[0];
		assertEquals(0, headerLength % 8);
	}

	@Test
	void namesAreEscapedAsSerdeJsonDoes() throws Exception {
		Path f = dir.resolve("n.safetensors");
		String name = "q\"b\\s\n\t\u0001/ü";
		new SafetensorsWriter().add(name, new float[] { 1 }, 1).write(f);
		String header = new String(Files.readAllBytes(f), 8, 60, StandardCharsets.UTF_8);
		assertTrue(header.startsWith("{\"q\\\"b\\\\s\\n\\t\\u0001/ü\":{"), header);
		try (SafetensorsReader r = SafetensorsReader.open(f)) {
			assertArrayEquals(new float[] { 1 }, r.floats(name));
		}
	}

	@Test
	void refusesInconsistentTensors() {
		SafetensorsWriter w = new SafetensorsWriter().add("a", new float[4], 2, 2);
		assertThrows(IllegalArgumentException.class, () -> w.add("a", new float[1], 1));
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.add("b", new float[3],
			2, 2));
		assertTrue(e.getMessage().contains("has 3 values, but its shape [2, 2] needs 4"), e.getMessage());
		assertThrows(IllegalArgumentException.class, () -> w.add("__metadata__", new float[1], 1));
	}

	@Test
	void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws Exception {
		Path f = dir.resolve("keep.safetensors");
		Files.write(f, new byte[] { 1, 2, 3 });
		java.io.IOException e = assertThrows(java.io.IOException.class, () -> AtomicFiles.write(f, ch -> {
			ch.write(java.nio.ByteBuffer.wrap(new byte[1000]));
			throw new java.io.IOException("disk full");
		}));
		assertEquals("disk full", e.getMessage());
		assertArrayEquals(new byte[] { 1, 2, 3 }, Files.readAllBytes(f));
		try (java.util.stream.Stream<Path> s = Files.list(dir)) {
			assertEquals(1, s.count());
		}
		Map<String, String> bad = new LinkedHashMap<>();
		bad.put("format", null);
		assertThrows(IllegalArgumentException.class, () -> new SafetensorsWriter().metadata(bad));
	}

	private static void assertBytes(int[] expected, byte[] actual) {
		byte[] e = new byte[expected.length];
		for (int i = 0; i < e.length; i++) e[i] = (byte) expected[i];
		assertArrayEquals(e, actual);
	}
}
