package org.diffusionij.host;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Parses the option string of an ImageJ macro call {@code run("label", "options")}, so that the headless
 * launcher and the ImageJ 1 entries read a macro line exactly as ImageJ does.
 * <p>
 * The syntax is ImageJ's ({@code ij.Macro.getValue}): {@code key=value} where the value ends at the next space,
 * {@code key=[value with spaces]} (brackets nest, so {@code [a [1] b]} is {@code a [1] b}),
 * {@code key='value with spaces'}, and a key without {@code =} is a flag that means true (how ImageJ records a
 * ticked checkbox). There is no other escaping. As in ImageJ, a key is looked up in lower case (ImageJ's
 * {@code Macro.trimKey}) while the option text is taken as written, so {@code Steps=7} does not set
 * {@code steps}; hosts reject such keys as unknown rather than ignore them.
 */
public final class MacroOptions {

	private final Map<String, String> values;

	private MacroOptions(Map<String, String> values) {
		this.values = Collections.unmodifiableMap(values);
	}

	/**
	 * Parses an option string; null or blank means no options.
	 *
	 * @throws IllegalArgumentException when a bracket or quote is not closed or a key is given twice
	 */
	public static MacroOptions parse(String options) {
		Map<String, String> values = new LinkedHashMap<>();
		String s = options == null ? "" : options;
		int i = 0;
		int n = s.length();
		while (i < n) {
			if (s.charAt(i) == ' ') {
				i++;
				continue;
			}
			int keyStart = i;
			while (i < n && s.charAt(i) != '=' && s.charAt(i) != ' ') i++;
			String key = s.substring(keyStart, i);
			String value;
			if (i < n && s.charAt(i) == '=') {
				i++;
				int end = valueEnd(s, i, key);
				char first = i < n ? s.charAt(i) : ' ';
				value = first == '[' || first == '\'' ? s.substring(i + 1, end - 1) : s.substring(i, end);
				i = end;
			}
			else {
				value = "true";
			}
			if (values.put(key, value) != null) {
				throw new IllegalArgumentException("The key '" + key + "' is given twice in: " + options);
			}
		}
		return new MacroOptions(values);
	}

	/** Index just past the value that starts at {@code start} (past the closing bracket or quote). */
	private static int valueEnd(String s, int start, String key) {
		int n = s.length();
		if (start >= n) return start;
		char first = s.charAt(start);
		if (first == '\'') {
			int close = s.indexOf('\'', start + 1);
			if (close < 0) throw unclosed(key, "'");
			return close + 1;
		}
		if (first == '[') {
			int depth = 0;
			for (int i = start; i < n; i++) {
				char c = s.charAt(i);
				if (c == '[') depth++;
				else if (c == ']' && --depth == 0) return i + 1;
			}
			throw unclosed(key, "]");
		}
		int space = s.indexOf(' ', start);
		return space < 0 ? n : space;
	}

	private static IllegalArgumentException unclosed(String key, String closer) {
		return new IllegalArgumentException("The value of '" + key + "' is missing its closing " + closer +
			" (write values with spaces as " + key + "=[a value])");
	}

	/** A key as ImageJ looks it up: lower case, up to the first space or colon. */
	public static String trimKey(String key) {
		String k = key;
		int colon = k.indexOf(':');
		if (colon >= 0) k = k.substring(0, colon);
		int space = k.indexOf(' ');
		if (space >= 0) k = k.substring(0, space);
		return k.toLowerCase(Locale.US);
	}

	/** Formats one option as ImageJ's recorder writes it: brackets around values that are empty or have a space. */
	public static String format(String key, String value) {
		boolean bracket = value.isEmpty() || value.indexOf(' ') >= 0;
		return key + "=" + (bracket ? "[" + value + "]" : value);
	}

	/** The value of a key looked up as ImageJ does (flags read {@code "true"}), or null when absent. */
	public String get(String key) {
		return values.get(trimKey(key));
	}

	/** All keys as written and their values, in the order given. */
	public Map<String, String> asMap() {
		return values;
	}

	@Override
	public String toString() {
		StringBuilder sb = new StringBuilder();
		for (Map.Entry<String, String> e : values.entrySet()) {
			if (sb.length() > 0) sb.append(' ');
			sb.append(format(e.getKey(), e.getValue()));
		}
		return sb.toString();
	}
}
