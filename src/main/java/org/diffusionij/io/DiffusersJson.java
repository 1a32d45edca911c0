package org.diffusionij.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON text exactly as diffusers' {@code to_json_string} writes configs and {@code model_index.json}: Python's
 * {@code json.dumps(config, indent=2, sort_keys=True) + "\n"}, so a folder saved here diffs cleanly against one
 * saved by diffusers. That means keys sorted at every level, two-space indentation, one item per line,
 * non-ASCII escaped as {@code \}uXXXX, and floats in Python's shortest {@code repr} ({@code 1e-05},
 * {@code 0.0001}, {@code 1.0}); numbers read from a file keep their integer or float nature.
 */
public final class DiffusersJson {

	private DiffusersJson() {}

	public static String toJsonString(JsonObject json) {
		StringBuilder b = new StringBuilder();
		value(b, json, 0);
		return b.append('\n').toString();
	}

	private static void value(StringBuilder b, JsonElement e, int indent) {
		if (e == null || e.isJsonNull()) b.append("null");
		else if (e.isJsonObject()) object(b, e.getAsJsonObject(), indent);
		else if (e.isJsonArray()) array(b, e.getAsJsonArray(), indent);
		else primitive(b, e.getAsJsonPrimitive());
	}

	private static void object(StringBuilder b, JsonObject o, int indent) {
		if (o.size() == 0) {
			b.append("{}");
			return;
		}
		Map<String, JsonElement> sorted = new TreeMap<>();
		for (Map.Entry<String, JsonElement> e : o.entrySet()) sorted.put(e.getKey(), e.getValue());
		b.append('{');
		boolean first = true;
		for (Map.Entry<String, JsonElement> e : sorted.entrySet()) {
			b.append(first ? "" : ",");
			first = false;
			newline(b, indent + 2);
			string(b, e.getKey());
			b.append(": ");
			value(b, e.getValue(), indent + 2);
		}
		newline(b, indent);
		b.append('}');
	}

	private static void array(StringBuilder b, JsonArray a, int indent) {
		if (a.size() == 0) {
			b.append("[]");
			return;
		}
		b.append('[');
		for (int i = 0; i < a.size(); i++) {
			b.append(i == 0 ? "" : ",");
			newline(b, indent + 2);
			value(b, a.get(i), indent + 2);
		}
		newline(b, indent);
		b.append(']');
	}

	private static void newline(StringBuilder b, int indent) {
		b.append('\n');
		for (int i = 0; i < indent; i++) b.append(' ');
	}

	private static void primitive(StringBuilder b, JsonPrimitive p) {
		if (p.isBoolean()) b.append(p.getAsBoolean() ? "true" : "false");
		else if (p.isString()) string(b, p.getAsString());
		else number(b, p.getAsNumber());
	}

	private static void number(StringBuilder b, Number n) {
		if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte ||
			n instanceof BigInteger)
		{
			b.append(n);
			return;
		}
		String text = n.toString();
		boolean isFloat = n instanceof Double || n instanceof Float || n instanceof BigDecimal || text.contains(
			".") || text.contains("e") || text.contains("E");
		if (!isFloat) b.append(new BigInteger(text));
		else b.append(pythonRepr(n instanceof Double ? n.doubleValue() : Double.parseDouble(text)));
	}

	/** Python's {@code repr(float)}: the shortest digits that read back as the same double. */
	static String pythonRepr(double d) {
		if (Double.isNaN(d)) return "NaN";
		if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
		String sign = (Double.doubleToRawLongBits(d) < 0) ? "-" : "";
		if (d == 0) return sign + "0.0";
		BigDecimal exact = new BigDecimal(Math.abs(d));
		BigDecimal shortest = exact;
		for (int p = 1; p <= 17; p++) {
			BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
			if (r.doubleValue() == Math.abs(d)) {
				shortest = r;
				break;
			}
		}
		shortest = shortest.stripTrailingZeros();
		String digits = shortest.unscaledValue().toString();
		int decpt = digits.length() - shortest.scale();
		StringBuilder s = new StringBuilder(sign);
		if (decpt > -4 && decpt <= 16) {
			if (decpt <= 0) s.append("0.").append("0".repeat(-decpt)).append(digits);
			else if (decpt >= digits.length()) s.append(digits).append("0".repeat(decpt - digits.length()))
				.append(".0");
			else s.append(digits, 0, decpt).append('.').append(digits.substring(decpt));
		}
		else {
			s.append(digits.charAt(0));
			if (digits.length() > 1) s.append('.').append(digits.substring(1));
			int exp = decpt - 1;
			s.append('e').append(exp < 0 ? '-' : '+');
			if (Math.abs(exp) < 10) s.append('0');
			s.append(Math.abs(exp));
		}
		return s.toString();
	}

	/** Python's {@code ensure_ascii} escaping. */
	private static void string(StringBuilder b, String s) {
		b.append('"');
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (c == '"') b.append("\\\"");
			else if (c == '\\') b.append("\\\\");
			else if (c == '\n') b.append("\\n");
			else if (c == '\r') b.append("\\r");
			else if (c == '\t') b.append("\\t");
			else if (c == '\b') b.append("\\b");
			else if (c == '\f') b.append("\\f");
			else if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
			else b.append(c);
		}
		b.append('"');
	}
}
