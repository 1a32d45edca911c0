package org.diffusionij.io.safetensors;

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
import org.diffusionij.io.PickleRefusal;

/**
 * The validated header of a safetensors file. Nothing in the header is trusted before it is checked, with the
 * rules of the reference implementation: the header length is bounded by the file and by
 * {@link #MAX_HEADER_BYTES} before anything is allocated, every dtype is known, shape × dtype size equals the
 * byte range, and the ranges lie inside the data section, do not overlap and cover it without gaps. Any
 * violation is a {@link SafetensorsException} naming the file and the problem.
 */
final class SafetensorsHeader {

	/** The reference implementation's limit on header size (100 MB). */
	static final long MAX_HEADER_BYTES = 100_000_000L;

	/** Dtypes of the format that this plugin does not convert; named in the message so users know what to do. */
	private static final String[] UNSUPPORTED = { "F8_E4M3", "F8_E5M2", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2",
		"U16", "U32", "U64" };

	final long dataStart;
	final Map<String, TensorInfo> tensors = new LinkedHashMap<>();
	final Map<String, String> metadata;

	private SafetensorsHeader(long dataStart, Map<String, String> metadata) {
		this.dataStart = dataStart;
		this.metadata = metadata;
	}

	static SafetensorsHeader read(Path path, FileChannel ch) throws IOException {
		String file = String.valueOf(path.getFileName());
		long size = ch.size();
		if (size < 8) throw bad(file, "is too short to be a safetensors file (" + size + " bytes)");
		ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
		readFully(ch, len, 0, file);
		long n = len.getLong(0);
		// checked before allocating: n is then at most the file size
		if (n < 2 || n > MAX_HEADER_BYTES || n > size - 8) {
			throw bad(file, "has an invalid header length (" + Long.toUnsignedString(n) + " bytes in a file of " +
				size + " bytes); the file is corrupt, truncated or not safetensors" + pickleHint(ch));
		}
		ByteBuffer json = ByteBuffer.allocate((int) n);
		readFully(ch, json, 8, file);
		HeaderJson parsed = HeaderJson.parse(json.array(), file);
		SafetensorsHeader h = new SafetensorsHeader(8 + n, parsed.metadata);
		h.validate(parsed.entries, file, size - h.dataStart);
		return h;
	}

	private void validate(List<HeaderJson.Entry> entries, String file, long dataLength)
		throws SafetensorsException
	{
		List<TensorInfo> list = new ArrayList<>();
		for (HeaderJson.Entry e : entries) {
			String shown = "entry '" + truncate(e.name) + "'";
			TensorInfo.DType dtype = dtype(e.dtype, shown, file);
			if (e.offsets.length != 2) throw bad(file, "has an " + shown + " that needs two data_offsets");
			long begin = e.offsets[0], end = e.offsets[1];
			if (begin > end || end > dataLength) {
				throw bad(file, "has an " + shown + " that points outside the data section (offsets " + begin +
					".." + end + ", data section " + dataLength + " bytes); the file is truncated or corrupt");
			}
			long bytes = 1;
			try {
				for (long d : e.shape) bytes = Math.multiplyExact(bytes, d);
				bytes = Math.multiplyExact(bytes, (long) dtype.bytes);
			}
			catch (ArithmeticException x) {
				throw bad(file, "has an " + shown + " with a shape too large to exist");
			}
			if (bytes != end - begin) {
				throw bad(file, "has an " + shown + " whose shape and dtype need " + bytes + " bytes but whose" +
					" data_offsets hold " + (end - begin) + " bytes");
			}
			list.add(new TensorInfo(e.name, dtype, e.shape, begin, end));
		}
		checkLayout(list, file, dataLength);
		for (TensorInfo t : list) tensors.put(t.name, t);
	}

	/** The ranges, in offset order, must tile the data section exactly: no overlap, no gap, nothing after. */
	private static void checkLayout(List<TensorInfo> list, String file, long dataLength)
		throws SafetensorsException
	{
		List<TensorInfo> sorted = new ArrayList<>(list);
		sorted.sort(Comparator.comparingLong((TensorInfo t) -> t.begin).thenComparingLong(t -> t.end));
		long expected = 0;
		TensorInfo previous = null;
		for (TensorInfo t : sorted) {
			if (t.begin < expected) {
				throw bad(file, "has entries '" + truncate(previous.name) + "' and '" + truncate(t.name) +
					"' whose data overlap");
			}
			if (t.begin > expected) {
				throw bad(file, "leaves data bytes " + expected + ".." + t.begin + " before entry '" + truncate(
					t.name) + "' unused; the header does not describe the data");
			}
			expected = t.end;
			previous = t;
		}
		if (expected != dataLength) {
			throw bad(file, "has " + dataLength + " bytes of data but its header describes " + expected +
				"; the file is truncated, has extra bytes or is corrupt");
		}
	}

	private static TensorInfo.DType dtype(String s, String shown, String file) throws SafetensorsException {
		for (String u : UNSUPPORTED) {
			if (u.equals(s)) {
				throw bad(file, "has an " + shown + " of dtype " + s + ", which this plugin does not read;" +
					" save the model as float32 or float16");
			}
		}
		for (TensorInfo.DType d : TensorInfo.DType.values()) {
			if (d.name().equals(s)) return d;
		}
		throw bad(file, "has an " + shown + " of unknown dtype '" + truncate(s) + "'");
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

	/** Shortens names and values from a possibly hostile header before they go into a message. */
	static String truncate(String s) {
		StringBuilder b = new StringBuilder();
		for (int i = 0; i < s.length() && b.length() < 40; i++) {
			char c = s.charAt(i);
			b.append(Character.isISOControl(c) ? '?' : c);
		}
		return b.length() < s.length() ? b + "…" : b.toString();
	}

	static SafetensorsException bad(String file, String what) {
		return new SafetensorsException("Safetensors file " + file + " " + what + ".");
	}
}
