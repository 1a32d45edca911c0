package org.diffusionij.io.safetensors;

import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of damaged variants of real safetensors files (fixed seeds, so a failure reproduces): the reader
 * either reads them or throws a {@link SafetensorsException} naming the file, never anything else, and opening
 * never allocates more than a small multiple of the file's size, whatever the header claims.
 */
class SafetensorsFuzzTest {

	@TempDir
	Path dir;

	private byte[] original;
	private int headerLength;
	private int opened, refused;
	private boolean measure;

	@BeforeEach
	void load() throws Exception {
		original = Files.readAllBytes(fixture("unet2d_forward.safetensors"));
		headerLength = (int) ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
		// load and initialise the parser's classes once, so that the measurements below see only the work
		measure = false;
		check(original, "warm-up");
		check(Arrays.copyOf(original, 12), "warm-up");
		measure = true;
		opened = refused = 0;
	}

	@Test
	void byteFlipsInTheHeader() throws Exception {
		Random rnd = new Random(1);
		for (int c = 0; c < 1500; c++) {
			byte[] b = original.clone();
			int flips = 1 + rnd.nextInt(8);
			for (int i = 0; i < flips; i++) b[rnd.nextInt(8 + headerLength)] ^= (byte) (1 << rnd.nextInt(8));
			check(b, "flip case " + c);
		}
		assertBothOutcomes();
	}

	@Test
	void corruptLengthFields() throws Exception {
		Random rnd = new Random(2);
		long[] special = { 0, 1, 2, headerLength - 1, headerLength + 1, original.length - 8, original.length - 7,
			90_000_000L, 100_000_001L, Long.MAX_VALUE, Long.MIN_VALUE, -1, -headerLength, 1L << 32 | headerLength };
		for (int c = 0; c < 600; c++) {
			long n = c < special.length ? special[c] : c % 2 == 0 ? rnd.nextLong() : headerLength + rnd.nextInt(
				2 * headerLength) - headerLength;
			byte[] b = original.clone();
			ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
			check(b, "length " + n);
		}
	}

	@Test
	void structuralMutationsOfTheHeader() throws Exception {
		Random rnd = new Random(3);
		String json = new String(original, 8, headerLength, StandardCharsets.UTF_8);
		byte[] data = Arrays.copyOfRange(original, 8 + headerLength, original.length);
		for (int c = 0; c < 2000; c++) {
			JsonObject root = JsonParser.parseString(json).getAsJsonObject();
			int mutations = 1 + rnd.nextInt(3);
			for (int m = 0; m < mutations; m++) HeaderMutations.mutate(root, rnd);
			String text = root.toString();
			if (rnd.nextInt(4) == 0) text = HeaderMutations.mutateText(text, rnd);
			byte[] h = text.getBytes(StandardCharsets.UTF_8);
			long n = rnd.nextInt(10) == 0 ? h.length + rnd.nextInt(64) - 32 : h.length;
			check(file(n, h, data), "structure case " + c + ": " + SafetensorsHeader.truncate(text));
		}
		assertBothOutcomes();
	}

	@Test
	void truncationsOfRealFiles() throws Exception {
		for (int cut = 0; cut < 8 + headerLength + 64; cut++) check(Arrays.copyOf(original, cut), "cut " + cut);
		Random rnd = new Random(4);
		for (int c = 0; c < 300; c++) {
			int cut = rnd.nextInt(original.length);
			check(Arrays.copyOf(original, cut), "cut " + cut);
		}
		byte[] unet = Files.readAllBytes(fixture(
			"tiny-ddpm/unet/diffusion_pytorch_model.safetensors"));
		for (int c = 0; c < 20; c++) {
			int cut = c < 10 ? rnd.nextInt(30_000) : rnd.nextInt(unet.length);
			check(Arrays.copyOf(unet, cut), "unet cut " + cut);
		}
		byte[] longer = Arrays.copyOf(original, original.length + 1);
		check(longer, "one byte appended");
	}

	@Test
	void randomGarbageBehindAPlausibleLength() throws Exception {
		Random rnd = new Random(5);
		for (int c = 0; c < 500; c++) {
			byte[] h = new byte[2 + rnd.nextInt(200)];
			rnd.nextBytes(h);
			if (c % 2 == 0) h[0] = '{';
			check(file(h.length, h, new byte[rnd.nextInt(64)]), "garbage case " + c);
		}
	}

	private static byte[] file(long lengthField, byte[] header, byte[] data) {
		return ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN).putLong(
			lengthField).put(header).put(data).array();
	}

	/** Reads everything in the file or gets our exception; anything else fails the test with the case named. */
	private void check(byte[] content, String what) throws Exception {
		Path f = Files.write(dir.resolve("fuzz.safetensors"), content);
		long before = SafetensorsFiles.allocatedBytes();
		long allowed = measure ? 1_000_000L + 8L * content.length : Long.MAX_VALUE;
		try (SafetensorsReader r = SafetensorsReader.open(f)) {
			assertTrue(SafetensorsFiles.allocatedBytes() - before < allowed, what + ": opening allocated too much");
			for (TensorInfo t : r.tensors().values()) {
				if (t.dtype.isFloating()) assertEquals(t.elementCount(), r.floats(t.name).length, what);
				else assertEquals(t.elementCount(), r.longs(t.name).length, what);
			}
			opened++;
		}
		catch (SafetensorsException e) {
			assertTrue(SafetensorsFiles.allocatedBytes() - before < allowed, what + ": refusing allocated too much");
			assertTrue(e.getMessage().startsWith("Safetensors file fuzz.safetensors "), what + ": " + e.getMessage());
			refused++;
		}
		catch (Throwable t) {
			throw new AssertionError(what + " threw " + t, t);
		}
	}

	/** A fuzzer that never produces a readable (or never an unreadable) file is not testing anything. */
	private void assertBothOutcomes() {
		assertTrue(opened > 0 && refused > 0, "opened " + opened + ", refused " + refused);
	}

	/** Mutations of a parsed header: each breaks one rule, or keeps the file valid in a new way. */
	static final class HeaderMutations {

		private static final String[] DTYPES = { "F32", "F16", "BF16", "F64", "I64", "I32", "I16", "I8", "U8",
			"BOOL", "U64", "F8_E4M3", "f32", "", "F32 ", "\u0000", "FLOAT", "I128", "\ud800" };

		private HeaderMutations() {}

		static void mutate(JsonObject root, Random rnd) {
			List<String> names = new ArrayList<>(root.keySet());
			names.removeIf(n -> n.equals("__metadata__") || !root.get(n).isJsonObject());
			if (names.isEmpty()) return;
			String name = names.get(rnd.nextInt(names.size()));
			JsonObject e = root.getAsJsonObject(name);
			JsonArray off = e.has("data_offsets") && e.get("data_offsets").isJsonArray() ? e.getAsJsonArray(
				"data_offsets") : new JsonArray();
			if (off.size() < 2) e.add("data_offsets", off = new JsonArray());
			while (off.size() < 2) off.add(0);
			switch (rnd.nextInt(12)) {
				case 0:
					off.set(rnd.nextInt(2), new JsonPrimitive(special(rnd)));
					break;
				case 1: {
					String other = names.get(rnd.nextInt(names.size()));
					JsonElement o = root.getAsJsonObject(other).get("data_offsets");
					if (o != null) e.add("data_offsets", o.deepCopy());
					break;
				}
				case 2:
					e.addProperty("dtype", DTYPES[rnd.nextInt(DTYPES.length)]);
					break;
				case 3:
					e.add("shape", junk(rnd, 3));
					break;
				case 4:
					if (e.has("shape") && e.get("shape").isJsonArray()) {
						e.getAsJsonArray("shape").add(rnd.nextInt(3) == 0 ? special(rnd) : rnd.nextInt(4));
					}
					break;
				case 5:
					root.remove(name);
					root.add(unicodeJunk(rnd), e);
					break;
				case 6:
					e.add("x", nested(rnd.nextInt(40)));
					break;
				case 7:
					root.add("__metadata__", junk(rnd, 2));
					break;
				case 8:
					e.remove(new String[] { "dtype", "shape", "data_offsets" }[rnd.nextInt(3)]);
					break;
				case 9:
					root.add(name, junk(rnd, 2));
					break;
				case 10:
					off.set(0, new JsonPrimitive(rnd.nextInt(17) - 8 + (off.get(0).isJsonPrimitive() && off.get(0)
						.getAsJsonPrimitive().isNumber() ? off.get(0).getAsLong() : 0)));
					break;
				default:
					root.remove(name);
			}
		}

		/** Raw text damage the object model cannot express: duplicate keys, cut-offs, inserted junk. */
		static String mutateText(String text, Random rnd) {
			int at = rnd.nextInt(text.length());
			switch (rnd.nextInt(4)) {
				case 0:
					return text.substring(0, text.length() - 1) + ",\"out_t0\":{}}";
				case 1:
					return text.substring(0, at);
				case 2:
					return text.substring(0, at) + unicodeJunk(rnd) + text.substring(at);
				default:
					return text + " ".repeat(rnd.nextInt(9)) + (rnd.nextBoolean() ? "" : "x");
			}
		}

		private static long special(Random rnd) {
			long[] s = { -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40, Integer.MAX_VALUE, 0, 3 };
			return rnd.nextBoolean() ? s[rnd.nextInt(s.length)] : rnd.nextLong();
		}

		private static JsonElement junk(Random rnd, int depth) {
			switch (rnd.nextInt(depth > 0 ? 8 : 5)) {
				case 0:
					return new JsonPrimitive(rnd.nextDouble() * 1e6 - 5e5);
				case 1:
					return new JsonPrimitive(unicodeJunk(rnd));
				case 2:
					return new JsonPrimitive(rnd.nextBoolean());
				case 3:
					return com.google.gson.JsonNull.INSTANCE;
				case 4:
					return new JsonPrimitive(rnd.nextLong());
				case 5: {
					JsonObject o = new JsonObject();
					for (int i = rnd.nextInt(3); i > 0; i--) o.add(unicodeJunk(rnd), junk(rnd, depth - 1));
					return o;
				}
				default: {
					JsonArray a = new JsonArray();
					for (int i = rnd.nextInt(4); i > 0; i--) a.add(junk(rnd, depth - 1));
					return a;
				}
			}
		}

		private static JsonElement nested(int depth) {
			JsonArray a = new JsonArray();
			for (int i = 0; i < depth; i++) {
				JsonArray outer = new JsonArray();
				outer.add(a);
				a = outer;
			}
			return a;
		}

		private static String unicodeJunk(Random rnd) {
			StringBuilder b = new StringBuilder();
			for (int i = rnd.nextInt(12); i >= 0; i--) {
				int kind = rnd.nextInt(5);
				if (kind == 0) b.append((char) rnd.nextInt(0x20));
				else if (kind == 1) b.append((char) (0xd800 + rnd.nextInt(0x800)));
				else if (kind == 2) b.appendCodePoint(0x10000 + rnd.nextInt(0x100000));
				else if (kind == 3) b.append("\"\\{}[]:,".charAt(rnd.nextInt(8)));
				else b.append((char) rnd.nextInt(0xd800));
			}
			return b.toString();
		}
	}
}
