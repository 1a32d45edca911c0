package org.diffusionij.io.safetensors;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The reference implementation's layout decisions, in one place so that {@link SafetensorsWriter} stays
 * byte-compatible with it: tensor order (dtype alignment rank descending, then name by UTF-8 bytes, as Rust
 * compares strings), serde_json's compact output and string escapes, and space padding of the header to a
 * multiple of 8 bytes so that the data section starts aligned.
 */
final class SafetensorsLayout {

	/** The reference's {@code Dtype} declaration order ("increasing alignment"); later sorts first. */
	private static final String RANK = "BOOL U8 I8 F8_E5M2 F8_E4M3 I16 U16 F16 BF16 I32 U32 F32 F64 I64 U64";

	private SafetensorsLayout() {}

	static <T> List<T> sorted(Collection<T> items, Function<T, TensorInfo.DType> dtype, Function<T, String> name) {
		List<T> out = new ArrayList<>(items);
		Comparator<T> byRank = Comparator.comparingInt(t -> -rank(dtype.apply(t)));
		out.sort(byRank.thenComparing((a, b) -> compareUtf8(name.apply(a), name.apply(b))));
		return out;
	}

	static int rank(TensorInfo.DType d) {
		String[] names = RANK.split(" ");
		for (int i = 0; i < names.length; i++) {
			if (names[i].equals(d.name())) return i;
		}
		throw new IllegalArgumentException(d.name());
	}

	static int compareUtf8(String a, String b) {
		byte[] x = a.getBytes(StandardCharsets.UTF_8), y = b.getBytes(StandardCharsets.UTF_8);
		for (int i = 0; i < Math.min(x.length, y.length); i++) {
			int c = Integer.compare(x[i] & 0xff, y[i] & 0xff);
			if (c != 0) return c;
		}
		return Integer.compare(x.length, y.length);
	}

	static void appendMetadata(StringBuilder json, Map<String, String> metadata) {
		string(json, "__metadata__").append(":{");
		boolean first = true;
		for (Map.Entry<String, String> e : metadata.entrySet()) {
			if (!first) json.append(',');
			first = false;
			string(json, e.getKey()).append(':');
			string(json, e.getValue());
		}
		json.append('}');
	}

	static void appendEntry(StringBuilder json, String name, TensorInfo.DType dtype, long[] shape, long[] offsets) {
		string(json, name).append(":{\"dtype\":\"").append(dtype.name()).append("\",\"shape\":[");
		for (int i = 0; i < shape.length; i++) {
			if (i > 0) json.append(',');
			json.append(shape[i]);
		}
		json.append("],\"data_offsets\":[").append(offsets[0]).append(',').append(offsets[1]).append("]}");
	}

	/** serde_json's escapes: quote, backslash, the short forms, other controls as lowercase {@code \}u00xx. */
	static StringBuilder string(StringBuilder json, String s) {
		json.append('"');
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			switch (c) {
				case '"':
					json.append("\\\"");
					break;
				case '\\':
					json.append("\\\\");
					break;
				case '\b':
					json.append("\\b");
					break;
				case '\f':
					json.append("\\f");
					break;
				case '\n':
					json.append("\\n");
					break;
				case '\r':
					json.append("\\r");
					break;
				case '\t':
					json.append("\\t");
					break;
				default:
					if (c < 0x20) json.append(String.format("\\u%04x", (int) c));
					else json.append(c);
			}
		}
		return json.append('"');
	}

	static byte[] padded(byte[] header) {
		int extra = (8 - header.length % 8) % 8;
		byte[] out = new byte[header.length + extra];
		System.arraycopy(header, 0, out, 0, header.length);
		for (int i = header.length; i < out.length; i++) out[i] = ' ';
		return out;
	}
}
