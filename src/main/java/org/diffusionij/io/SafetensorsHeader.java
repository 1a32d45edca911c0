package org.diffusionij.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated header of a safetensors file. Nothing in the header is trusted before it is checked: the
 * header length is bounded by the file and by {@link #MAX_HEADER_BYTES}, every dtype is known, shapes are
 * non-negative, shape × dtype size equals the byte range, ranges lie inside the data section and do not
 * overlap. Any violation is a {@link SafetensorsException} naming the file and the problem.
 */
final class SafetensorsHeader {

	/** The reference implementation's limit on header size (100 MB). */
	static final long MAX_HEADER_BYTES = 100_000_000L;

	final long dataStart;
	final Map<String, TensorInfo> tensors = new LinkedHashMap<>();
	final Map<String, String> metadata = new LinkedHashMap<>();

	private SafetensorsHeader(long dataStart) {
		this.dataStart = dataStart;
	}

	static SafetensorsHeader read(Path path, FileChannel ch) throws IOException {
		String file = path.getFileName().toString();
		long size = ch.size();
		if (size < 8) throw bad(file, "is too short to be a safetensors file (" + size + " bytes)");
		ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
		readFully(ch, len, 0, file);
		long n = len.getLong(0);
		if (n < 2 || n > MAX_HEADER_BYTES || n > size - 8) {
			throw bad(file, "has an invalid header length (" + Long.toUnsignedString(n) + " bytes in a file of " +
				size + " bytes); the file is corrupt, truncated or not safetensors" + pickleHint(ch));
		}
		ByteBuffer json = ByteBuffer.allocate((int) n);
		readFully(ch, json, 8, file);
		SafetensorsHeader h = new SafetensorsHeader(8 + n);
		JsonObject root;
		try {
			root = SafetensorsReader.parseJson(json.array());
		}
		catch (JsonParseException | IllegalStateException | StackOverflowError e) {
			throw bad(file, "has a header that is not valid JSON");
		}
		if (root == null) throw bad(file, "has a header that is not a JSON object");
		h.parse(root, file, size - h.dataStart);
		return h;
	}

	private void parse(JsonObject root, String file, long dataLength) throws SafetensorsException {
		List<TensorInfo> list = new ArrayList<>();
		for (Map.Entry<String, JsonElement> e : root.entrySet()) {
			String name = e.getKey();
			if (name.equals("__metadata__")) {
				parseMetadata(e.getValue(), file);
				continue;
			}
			if (!e.getValue().isJsonObject()) throw bad(file, "entry '" + name + "' is not an object");
			JsonObject o = e.getValue().getAsJsonObject();
			TensorInfo.DType dtype = dtype(o.get("dtype"), name, file);
			long[] shape = longs(o.get("shape"), name, "shape", file);
			long[] off = longs(o.get("data_offsets"), name, "data_offsets", file);
			if (off.length != 2) throw bad(file, "entry '" + name + "' needs two data_offsets");
			if (off[0] > off[1] || off[1] > dataLength) {
				throw bad(file, "entry '" + name + "' points outside the data section (offsets " + off[0] + ".." +
					off[1] + ", data section " + dataLength + " bytes); the file is truncated or corrupt");
			}
			long count = 1;
			try {
				for (long d : shape) count = Math.multiplyExact(count, d);
				count = Math.multiplyExact(count, (long) dtype.bytes);
			}
			catch (ArithmeticException x) {
				throw bad(file, "entry '" + name + "' has a shape too large to exist");
			}
			if (count != off[1] - off[0]) {
				throw bad(file, "entry '" + name + "' has shape and dtype for " + count + " bytes but " +
					(off[1] - off[0]) + " bytes of data");
			}
			list.add(new TensorInfo(name, dtype, shape, off[0], off[1]));
		}
		List<TensorInfo> sorted = new ArrayList<>(list);
		sorted.sort(Comparator.comparingLong((TensorInfo t) -> t.begin).thenComparingLong(t -> t.end));
		for (int i = 1; i < sorted.size(); i++) {
			TensorInfo a = sorted.get(i - 1), b = sorted.get(i);
			if (b.begin < a.end) throw bad(file, "entries '" + a.name + "' and '" + b.name + "' overlap");
		}
		for (TensorInfo t : list) tensors.put(t.name, t);
	}

	private void parseMetadata(JsonElement m, String file) throws SafetensorsException {
		if (!m.isJsonObject()) throw bad(file, "__metadata__ is not an object");
		for (Map.Entry<String, JsonElement> e : m.getAsJsonObject().entrySet()) {
			JsonElement v = e.getValue();
			if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
				throw bad(file, "__metadata__ value '" + e.getKey() + "' is not a string");
			}
			metadata.put(e.getKey(), v.getAsString());
		}
	}

	private static TensorInfo.DType dtype(JsonElement e, String name, String file) throws SafetensorsException {
		if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
			throw bad(file, "entry '" + name + "' has no dtype");
		}
		String s = e.getAsString();
		if (s.equals("F8_E4M3") || s.equals("F8_E5M2") || s.equals("U16") || s.equals("U32") || s.equals("U64")) {
			throw bad(file, "entry '" + name + "' has dtype " + s + ", which this plugin does not read;" +
				" save the model as float32 or float16");
		}
		for (TensorInfo.DType d : TensorInfo.DType.values()) {
			if (d.name().equals(s)) return d;
		}
		throw bad(file, "entry '" + name + "' has unknown dtype '" + truncate(s) + "'");
	}

	private static long[] longs(JsonElement e, String name, String field, String file) throws SafetensorsException {
		if (e == null || !e.isJsonArray()) throw bad(file, "entry '" + name + "' has no " + field + " array");
		JsonArray a = e.getAsJsonArray();
		if (a.size() > 64) throw bad(file, "entry '" + name + "' has a " + field + " of " + a.size() + " values");
		long[] out = new long[a.size()];
		for (int i = 0; i < out.length; i++) {
			JsonElement v = a.get(i);
			if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
				throw bad(file, "entry '" + name + "' has a non-numeric " + field);
			}
			java.math.BigDecimal d;
			try {
				d = v.getAsBigDecimal();
			}
			catch (NumberFormatException x) {
				throw bad(file, "entry '" + name + "' has a non-numeric " + field);
			}
			if (d.signum() < 0 || d.scale() > 0 && d.stripTrailingZeros().scale() > 0 ||
				d.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0)
			{
				throw bad(file, "entry '" + name + "' has an invalid " + field + " value " + truncate(v.toString()));
			}
			out[i] = d.longValueExact();
		}
		return out;
	}

	private static void readFully(FileChannel ch, ByteBuffer b, long pos, String file) throws IOException {
		while (b.hasRemaining()) {
			int r = ch.read(b, pos + b.position());
			if (r < 0) throw bad(file, "ends before its header does");
		}
	}

	private static String pickleHint(FileChannel ch) {
		try {
			ByteBuffer b = ByteBuffer.allocate(2);
			ch.read(b, 0);
			byte[] a = b.array();
			if ((a[0] & 0xff) == 0x80 || a[0] == 'P' && a[1] == 'K') {
				return " (it looks like a PyTorch pickle checkpoint; " + PickleRefusal.HOW_TO_CONVERT + ")";
			}
		}
		catch (IOException ignored) {
			// no hint
		}
		return "";
	}

	private static String truncate(String s) {
		return s.length() > 40 ? s.substring(0, 40) + "…" : s;
	}

	private static SafetensorsException bad(String file, String what) {
		return new SafetensorsException("Safetensors file " + file + " " + what + ".");
	}
}
