package org.diffusionij.io.safetensors;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the JSON of a safetensors header into raw entries, as strictly as the reference implementation: the
 * bytes must be UTF-8, the JSON one object with nothing but whitespace after it, nesting shallow, no name twice,
 * shape and offset values non-negative integer literals. It streams instead of building a tree, so a hostile
 * header can cost no more than its own size, and no input reaches a recursive parser. Types and offsets are
 * checked afterwards by {@link SafetensorsHeader}.
 */
final class HeaderJson {

	/** The header's own structure needs depth 3; unknown fields inside an entry may nest a little deeper. */
	static final int MAX_DEPTH = 16;

	/** More dimensions than any tensor has; also bounds {@code data_offsets}. */
	static final int MAX_VALUES = 64;

	/** One tensor entry as written in the header, before validation. */
	static final class Entry {

		final String name;
		String dtype;
		long[] shape, offsets;

		Entry(String name) {
			this.name = name;
		}
	}

	final List<Entry> entries = new ArrayList<>();
	final Map<String, String> metadata = new LinkedHashMap<>();
	private final String file;

	private HeaderJson(String file) {
		this.file = file;
	}

	static HeaderJson parse(byte[] header, String file) throws SafetensorsException {
		String text = utf8(header, file);
		checkDepth(text, file);
		HeaderJson h = new HeaderJson(file);
		try (JsonReader r = new JsonReader(new StringReader(text))) {
			r.setLenient(false);
			if (r.peek() != JsonToken.BEGIN_OBJECT) throw h.bad("has a header that is not a JSON object");
			h.readRoot(r);
			if (r.peek() != JsonToken.END_DOCUMENT) throw h.bad("has text after the header's JSON object");
		}
		catch (SafetensorsException e) {
			throw e;
		}
		catch (IOException | IllegalStateException | NumberFormatException e) {
			throw h.bad("has a header that is not valid JSON (" + SafetensorsHeader.truncate(String.valueOf(e
				.getMessage())) + ")");
		}
		return h;
	}

	private void readRoot(JsonReader r) throws IOException {
		Set<String> names = new HashSet<>();
		r.beginObject();
		while (r.hasNext()) {
			String name = r.nextName();
			if (!names.add(name)) throw bad("names '" + SafetensorsHeader.truncate(name) + "' twice");
			if (name.equals("__metadata__")) readMetadata(r);
			else entries.add(readEntry(r, name));
		}
		r.endObject();
	}

	private void readMetadata(JsonReader r) throws IOException {
		if (r.peek() == JsonToken.NULL) {
			r.nextNull();
			return;
		}
		if (r.peek() != JsonToken.BEGIN_OBJECT) throw bad("has a __metadata__ that is not an object");
		r.beginObject();
		while (r.hasNext()) {
			String key = r.nextName();
			if (r.peek() != JsonToken.STRING) {
				throw bad("has a __metadata__ value '" + SafetensorsHeader.truncate(key) + "' that is not a string");
			}
			if (metadata.put(key, r.nextString()) != null) {
				throw bad("names __metadata__ key '" + SafetensorsHeader.truncate(key) + "' twice");
			}
		}
		r.endObject();
	}

	private Entry readEntry(JsonReader r, String name) throws IOException {
		String shown = "entry '" + SafetensorsHeader.truncate(name) + "'";
		if (r.peek() != JsonToken.BEGIN_OBJECT) throw bad("has an " + shown + " that is not an object");
		Entry e = new Entry(name);
		r.beginObject();
		while (r.hasNext()) {
			String field = r.nextName();
			boolean again;
			if (field.equals("dtype")) {
				if (r.peek() != JsonToken.STRING) throw bad("has an " + shown + " whose dtype is not a string");
				again = e.dtype != null;
				e.dtype = r.nextString();
			}
			else if (field.equals("shape")) {
				again = e.shape != null;
				e.shape = integers(r, shown, field);
			}
			else if (field.equals("data_offsets")) {
				again = e.offsets != null;
				e.offsets = integers(r, shown, field);
			}
			else {
				again = false;
				r.skipValue();
			}
			if (again) throw bad("has an " + shown + " with " + field + " twice");
		}
		r.endObject();
		if (e.dtype == null) throw bad("has an " + shown + " without dtype");
		if (e.shape == null) throw bad("has an " + shown + " without shape");
		if (e.offsets == null) throw bad("has an " + shown + " without data_offsets");
		return e;
	}

	private long[] integers(JsonReader r, String shown, String field) throws IOException {
		if (r.peek() != JsonToken.BEGIN_ARRAY) throw bad("has an " + shown + " whose " + field + " is not an array");
		long[] out = new long[MAX_VALUES];
		int n = 0;
		r.beginArray();
		while (r.hasNext()) {
			if (n == MAX_VALUES) throw bad("has an " + shown + " with more than " + MAX_VALUES + " " + field +
				" values");
			if (r.peek() != JsonToken.NUMBER) throw bad("has an " + shown + " with a non-numeric " + field);
			String v = r.nextString();
			if (!isNonNegativeInteger(v)) {
				throw bad("has an " + shown + " with " + field + " value " + SafetensorsHeader.truncate(v) +
					", not a non-negative integer");
			}
			out[n++] = Long.parseLong(v);
		}
		r.endArray();
		long[] exact = new long[n];
		System.arraycopy(out, 0, exact, 0, n);
		return exact;
	}

	/** Digits only, and small enough for a long (at most 18 digits: below 10^18, far above any file size). */
	private static boolean isNonNegativeInteger(String v) {
		if (v.isEmpty() || v.length() > 18) return false;
		for (int i = 0; i < v.length(); i++) {
			if (v.charAt(i) < '0' || v.charAt(i) > '9') return false;
		}
		return true;
	}

	private static String utf8(byte[] header, String file) throws SafetensorsException {
		try {
			CharBuffer c = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(header));
			return c.toString();
		}
		catch (CharacterCodingException e) {
			throw SafetensorsHeader.bad(file, "has a header that is not valid UTF-8 text");
		}
	}

	/** Rejects deep nesting before parsing, counting brackets outside strings. */
	private static void checkDepth(String text, String file) throws SafetensorsException {
		int depth = 0;
		boolean inString = false;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (inString) {
				if (c == '\\') i++;
				else if (c == '"') inString = false;
			}
			else if (c == '"') inString = true;
			else if (c == '{' || c == '[') {
				if (++depth > MAX_DEPTH) {
					throw SafetensorsHeader.bad(file, "has a header nested deeper than " + MAX_DEPTH + " levels");
				}
			}
			else if (c == '}' || c == ']') depth--;
		}
	}

	private SafetensorsException bad(String what) {
		return SafetensorsHeader.bad(file, what);
	}
}
