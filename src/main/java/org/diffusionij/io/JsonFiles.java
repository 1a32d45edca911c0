package org.diffusionij.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.EOFException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the JSON files of a model folder ({@code config.json}, {@code model_index.json}, tokenizer files) with
 * messages for people: a damaged file is named with the line and column where reading stopped and what to do,
 * not with Gson's exception text (which suggests {@code JsonReader.setLenient}, a fix for programmers).
 */
public final class JsonFiles {

	private static final Pattern WHERE = Pattern.compile("line (\\d+) column (\\d+)");

	private JsonFiles() {}

	/**
	 * The JSON object in {@code file}.
	 *
	 * @param what what the file should hold, for the message when it holds something else ("a JSON object of
	 *          token ids")
	 * @throws IOException with a one-line message when the file is missing, not UTF-8 text, not JSON or not an
	 *           object
	 */
	public static JsonObject readObject(Path file, String what) throws IOException {
		if (!Files.isRegularFile(file)) throw new IOException("Missing " + file + ".");
		JsonElement e;
		try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			e = JsonParser.parseReader(r);
		}
		catch (CharacterCodingException x) {
			throw notText(file, x);
		}
		catch (JsonParseException x) {
			if (x.getCause() instanceof CharacterCodingException) throw notText(file, x);
			throw invalid(file, x);
		}
		if (!e.isJsonObject()) {
			throw new IOException(file + " holds " + kind(e) + ", not " + what + ". " + AGAIN);
		}
		return e.getAsJsonObject();
	}

	private static final String AGAIN = "The file is damaged or incomplete; download or copy the model folder " +
		"again.";

	private static IOException notText(Path file, Exception e) {
		return new IOException(file + " is not valid JSON: it is not UTF-8 text (a binary or damaged file). " + AGAIN,
			e);
	}

	/** The exception for a file Gson could not parse: where reading stopped, and what to do. */
	public static IOException invalid(Path file, JsonParseException e) {
		Throwable cause = e.getCause() != null ? e.getCause() : e;
		String text = String.valueOf(cause.getMessage());
		Matcher m = WHERE.matcher(text);
		String where = m.find() ? " at line " + m.group(1) + ", column " + m.group(2) : "";
		boolean cut = cause instanceof EOFException || text.startsWith("Unterminated");
		String problem = cut ? "it ends too early" + where : "reading stopped" + where;
		return new IOException(file + " is not valid JSON: " + problem + ". " + AGAIN, e);
	}

	private static String kind(JsonElement e) {
		if (e.isJsonNull()) return "nothing";
		if (e.isJsonArray()) return "a list";
		return "a single value";
	}
}
