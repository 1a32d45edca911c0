package org.diffusionij.io.clip;

import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.diffusionij.io.safetensors.SafetensorsReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLIP tokenizer against transformers' ids: the real 49,408-token vocabulary ({@code tokenizer_full.json},
 * made with transformers' CLIPTokenizer), the tiny fixture pipeline's tokenizer, and Stable Diffusion 2's
 * padding with {@code !}.
 */
class ClipTokenizerTest {

	private static final long BOS = 49406, EOS = 49407;

	static ClipTokenizer full;

	@BeforeAll
	static void load() throws Exception {
		full = ClipTokenizer.load(fixture("clip"));
	}

	@AfterAll
	static void close() {
		full.close();
	}

	/**
	 * Every reference prompt gives transformers' tokens and ids, before and after padding to 77, including
	 * truncation of a 262-token prompt, punctuation, numbers, an empty prompt and accented letters. The one
	 * prompt with CJK ideographs is the exception the reference predicts: without ftfy, the slow CLIPTokenizer
	 * that made it puts a space around every ideograph (BERT's BasicTokenizer fallback), while CLIPTokenizerFast
	 * and the slow tokenizer with ftfy keep "東京の夜景" one word. Spaced the same way, it gives the reference ids.
	 */
	@Test
	void realVocabularyMatchesTransformers() throws Exception {
		int compared = 0;
		for (JsonElement e : cases()) {
			JsonObject c = e.getAsJsonObject();
			String text = c.get("text").getAsString();
			long[] ids = longs(c.getAsJsonArray("input_ids"));
			long[] padded = longs(c.getAsJsonArray("input_ids_padded77"));
			String spaced = spaceIdeographs(text);
			if (!spaced.equals(text)) {
				assertArrayEquals(ids, full.ids(spaced), text);
				assertArrayEquals(padded, full.inputIds(spaced), text);
				continue;
			}
			assertArrayEquals(strings(c.getAsJsonArray("tokens")), full.tokens(text), text);
			assertArrayEquals(ids, full.ids(text), text);
			assertArrayEquals(padded, full.inputIds(text), text);
			compared++;
		}
		assertEquals(8, compared);
	}

	/** Unspaced ideographs form one byte-level word: different ids, same text, same tail. */
	@Test
	void ideographsStayOneWordLikeTheFastTokenizer() {
		String text = "東京の夜景 and emoji 🐱🚀";
		String[] tokens = full.tokens(text);
		assertEquals("æĿ±", tokens[0]);
		assertEquals("¯</w>", tokens[7], "the word ends at its last ideograph");
		for (int i = 0; i < 7; i++) assertFalse(tokens[i].endsWith("</w>"), tokens[i]);
		long[] ids = full.ids(text);
		assertArrayEquals(new long[] { 537, 16327, 35710, 13542, EOS }, Arrays.copyOfRange(ids, ids.length - 5,
			ids.length), "'and emoji 🐱🚀' as in the reference");
		assertEquals(text, full.decode(ids));
	}

	@Test
	void longPromptKeepsBosAndEndsWithEos() throws Exception {
		JsonObject c = cases().get(8).getAsJsonObject();
		String text = c.get("text").getAsString();
		assertEquals(262, full.ids(text).length, "untruncated");
		long[] in = full.inputIds(text);
		assertEquals(77, in.length);
		assertEquals(BOS, in[0]);
		assertEquals(EOS, in[76]);
		assertArrayEquals(Arrays.copyOfRange(full.ids(text), 0, 76), Arrays.copyOfRange(in, 0, 76));
	}

	@Test
	void emptyPromptIsBosEosThenPadding() {
		long[] in = full.inputIds("");
		assertEquals(BOS, in[0]);
		for (int i = 1; i < 77; i++) assertEquals(EOS, in[i]);
		assertArrayEquals(new long[] { BOS, EOS }, full.ids(" \t\n "), "whitespace only is empty");
	}

	/** A special token written in the prompt is that token, as transformers' added-token splitting makes it. */
	@Test
	void specialTokenInTextIsOneToken() {
		assertArrayEquals(new long[] { BOS, 320, EOS, 2368, EOS }, full.ids("a<|endoftext|>cat"));
		assertEquals("a photo of a cat", full.decode(full.ids("A photo of a  cat")));
	}

	/** The tiny pipeline's tokenizer (bos 998, eos/pad 999) gives the input_ids its text encoder reference used. */
	@Test
	void tinyTokenizerMatchesTextEncoderReference() throws Exception {
		long[] ref;
		try (SafetensorsReader r = SafetensorsReader.open(fixture("text_encoder.safetensors"))) {
			ref = r.longs("input_ids");
		}
		try (ClipTokenizer tiny = ClipTokenizer.load(fixture("tiny-sd-pipe/tokenizer"))) {
			assertEquals(998, tiny.specials().bos.id);
			assertEquals(999, tiny.specials().pad.id);
			long[] painting = tiny.inputIds("A painting of a squirrel eating a burger");
			assertArrayEquals(Arrays.copyOfRange(ref, 0, 77), painting);
			assertArrayEquals(Arrays.copyOfRange(ref, 77, 154), tiny.inputIds(""));
		}
	}

	/**
	 * Stable Diffusion 2's folders name {@code !} as pad token in special_tokens_map.json (over
	 * tokenizer_config.json), so padding is id 0 and "!" in a prompt becomes that special token too: the ids
	 * diffusers issue 4153 shows for "! !! !!!".
	 */
	@Test
	void stableDiffusion2PadsWithExclamationMark(@TempDir Path dir) throws Exception {
		Files.copy(fixture("clip/vocab.json"), dir.resolve("vocab.json"));
		Files.copy(fixture("clip/merges.txt"), dir.resolve("merges.txt"));
		write(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 77, \"pad_token\": \"<|endoftext|>\"," +
			" \"tokenizer_class\": \"CLIPTokenizer\"}");
		write(dir.resolve("special_tokens_map.json"), "{\"pad_token\": \"!\", \"bos_token\": {\"content\": " +
			"\"<|startoftext|>\", \"lstrip\": false, \"normalized\": true, \"rstrip\": false, \"single_word\": false}}");
		try (ClipTokenizer sd2 = ClipTokenizer.load(dir)) {
			assertEquals(0, sd2.specials().pad.id);
			long[] expected = new long[77];
			expected[0] = BOS;
			expected[7] = EOS;
			assertArrayEquals(expected, sd2.inputIds("! !! !!!"));
			long[] cat = sd2.inputIds("a photo of a cat");
			assertArrayEquals(new long[] { BOS, 320, 1125, 539, 320, 2368, EOS, 0 }, Arrays.copyOf(cat, 8));
		}
	}

	/**
	 * A textual-inversion fine-tune adds its placeholder to the tokenizer: it is one token wherever it appears,
	 * from tokenizer_config.json's added_tokens_decoder or from the older added_tokens.json.
	 */
	@Test
	void addedTokensOfFineTunesAreOneToken(@TempDir Path dir) throws Exception {
		Files.copy(fixture("clip/vocab.json"), dir.resolve("vocab.json"));
		Files.copy(fixture("clip/merges.txt"), dir.resolve("merges.txt"));
		write(dir.resolve("tokenizer_config.json"), "{\"added_tokens_decoder\": {\"49408\": {\"content\": " +
			"\"<cat-toy>\", \"lstrip\": false, \"normalized\": true, \"rstrip\": false, \"single_word\": false, " +
			"\"special\": false}}}");
		write(dir.resolve("added_tokens.json"), "{\"<dog-toy>\": 49409}");
		try (ClipTokenizer t = ClipTokenizer.load(dir)) {
			assertArrayEquals(new long[] { BOS, 320, 49408, 1125, 539, 49409, EOS },
				t.ids("A <cat-toy> photo of<dog-toy>"));
		}
		write(dir.resolve("added_tokens.json"), "{\"<dog-toy>\": 49410}");
		IOException e = assertThrows(IOException.class, () -> ClipTokenizer.load(dir));
		assertTrue(e.getMessage().contains("<dog-toy>") && e.getMessage().contains("49409"), e.getMessage());
	}

	@Test
	void missingFilesAndOtherTokenizersAreNamed(@TempDir Path dir) throws Exception {
		Files.copy(fixture("clip/vocab.json"), dir.resolve("vocab.json"));
		IOException e = assertThrows(IOException.class, () -> ClipTokenizer.load(dir));
		assertTrue(e.getMessage().contains("merges.txt"), e.getMessage());
		Files.copy(fixture("clip/merges.txt"), dir.resolve("merges.txt"));
		write(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"T5Tokenizer\"}");
		e = assertThrows(IOException.class, () -> ClipTokenizer.load(dir));
		assertTrue(e.getMessage().contains("T5Tokenizer"), e.getMessage());
	}

	/** BERT's BasicTokenizer fallback in the slow CLIPTokenizer: a space around every CJK ideograph. */
	private static String spaceIdeographs(String text) {
		StringBuilder b = new StringBuilder();
		text.codePoints().forEach(cp -> {
			if (Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN) b.append(' ').appendCodePoint(cp)
				.append(' ');
			else b.appendCodePoint(cp);
		});
		return b.toString();
	}

	private static void write(Path file, String text) throws IOException {
		Files.write(file, text.getBytes(StandardCharsets.UTF_8));
	}

	static JsonArray cases() throws Exception {
		String text = new String(Files.readAllBytes(fixture("tokenizer_full.json")), StandardCharsets.UTF_8);
		return JsonParser.parseString(text).getAsJsonObject().getAsJsonArray("cases");
	}

	static long[] longs(JsonArray a) {
		long[] out = new long[a.size()];
		for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsLong();
		return out;
	}

	static String[] strings(JsonArray a) {
		String[] out = new String[a.size()];
		for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsString();
		return out;
	}
}
