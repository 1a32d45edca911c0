package org.diffusionij.io.clip;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.diffusionij.io.JsonFiles;

/**
 * The special tokens of a CLIP tokenizer folder ({@code bos}, {@code eos}, {@code unk}, {@code pad}), its other
 * added tokens and its {@code model_max_length}, resolved the way transformers' {@code from_pretrained} does:
 * values in {@code tokenizer_config.json} are overridden by {@code special_tokens_map.json}. This matters for
 * padding: Stable Diffusion 1.x pads with {@code <|endoftext|>}, Stable Diffusion 2 pads with {@code !} (id 0),
 * and only the special tokens map says so. Added tokens ({@code added_tokens_decoder}, or the older
 * {@code added_tokens.json}) are how textual-inversion fine-tunes extend the vocabulary.
 */
public final class ClipSpecialTokens {

	/** CLIP's defaults when a folder does not name a token (transformers' CLIPTokenizer arguments). */
	private static final String DEFAULT_BOS = "<|startoftext|>", DEFAULT_EOS = "<|endoftext|>";

	/** One added token with its id and the matching flags transformers stores for it. */
	public static final class Token {

		public final String content;
		public final int id;
		public final boolean lstrip, rstrip, normalized, singleWord, special;

		Token(String content, int id, boolean lstrip, boolean rstrip, boolean normalized, boolean singleWord,
			boolean special)
		{
			this.content = content;
			this.id = id;
			this.lstrip = lstrip;
			this.rstrip = rstrip;
			this.normalized = normalized;
			this.singleWord = singleWord;
			this.special = special;
		}
	}

	public final Token bos, eos, unk, pad;
	public final int modelMaxLength;
	private final List<Token> extra;

	private ClipSpecialTokens(Token bos, Token eos, Token unk, Token pad, List<Token> extra, int modelMaxLength) {
		this.bos = bos;
		this.eos = eos;
		this.unk = unk;
		this.pad = pad;
		this.extra = extra;
		this.modelMaxLength = modelMaxLength;
	}

	/**
	 * Reads {@code tokenizer_config.json} and {@code special_tokens_map.json} from {@code folder} (either may
	 * be absent) and resolves token ids in {@code vocab} or the config's {@code added_tokens_decoder}.
	 */
	public static ClipSpecialTokens read(Path folder, JsonObject vocab) throws IOException {
		JsonObject config = readOptional(folder.resolve("tokenizer_config.json"));
		JsonObject map = readOptional(folder.resolve("special_tokens_map.json"));
		Map<String, Integer> ids = new LinkedHashMap<>();
		for (Map.Entry<String, JsonElement> e : vocab.entrySet()) ids.put(e.getKey(), e.getValue().getAsInt());
		List<Token> extra = new ArrayList<>();
		JsonObject legacy = readOptional(folder.resolve("added_tokens.json"));
		for (Map.Entry<String, JsonElement> e : legacy.entrySet()) {
			extra.add(new Token(e.getKey(), e.getValue().getAsInt(), false, false, true, false, false));
		}
		if (config.has("added_tokens_decoder")) {
			for (Map.Entry<String, JsonElement> e : config.getAsJsonObject("added_tokens_decoder").entrySet()) {
				JsonObject o = e.getValue().getAsJsonObject();
				extra.add(new Token(o.get("content").getAsString(), Integer.parseInt(e.getKey()), flag(o, "lstrip"),
					flag(o, "rstrip"), flag(o, "normalized"), flag(o, "single_word"), flag(o, "special")));
			}
		}
		checkAddedIds(extra, vocab, folder);
		for (Token t : extra) ids.put(t.content, t.id);
		checkClass(config, folder);
		Token bos = token("bos_token", DEFAULT_BOS, config, map, ids, folder);
		Token eos = token("eos_token", DEFAULT_EOS, config, map, ids, folder);
		Token unk = token("unk_token", DEFAULT_EOS, config, map, ids, folder);
		Token pad = token("pad_token", DEFAULT_EOS, config, map, ids, folder);
		int maxLength = 77;
		JsonElement m = config.get("model_max_length");
		if (m != null && !m.isJsonNull() && m.getAsDouble() < Integer.MAX_VALUE) maxLength = m.getAsInt();
		return new ClipSpecialTokens(bos, eos, unk, pad, extra, maxLength);
	}

	/**
	 * The tokens the tokenizer matches before BPE, each content once, by id (the tokenizers library numbers
	 * tokens outside the vocabulary in this order): bos, eos, unk, pad (always special) and the folder's other
	 * added tokens.
	 */
	public List<Token> added() {
		List<Token> all = new ArrayList<>(Arrays.asList(bos, eos, unk, pad));
		all.addAll(extra);
		List<Token> out = new ArrayList<>();
		for (Token t : all) {
			boolean seen = false;
			for (Token o : out) seen |= o.content.equals(t.content);
			if (!seen) out.add(t);
		}
		out.sort(Comparator.comparingInt(t -> t.id));
		return out;
	}

	/**
	 * Sorts added tokens by id and checks that the ids are those the tokenizers library will give them: a token
	 * of vocab.json keeps its vocabulary id, the others take the next ids after the vocabulary, in order.
	 */
	private static void checkAddedIds(List<Token> extra, JsonObject vocab, Path folder) throws IOException {
		extra.sort(Comparator.comparingInt(t -> t.id));
		int next = vocab.size();
		Set<String> seen = new HashSet<>();
		for (Token t : extra) {
			if (!seen.add(t.content)) continue;
			JsonElement inVocab = vocab.get(t.content);
			int expected = inVocab != null ? inVocab.getAsInt() : next++;
			if (t.id != expected) {
				throw new IOException("The added token '" + t.content + "' of " + folder + " has id " + t.id +
					", but it can only have id " + expected + " (vocab.json has " + vocab.size() + " tokens).");
			}
		}
	}

	private static void checkClass(JsonObject config, Path folder) throws IOException {
		JsonElement c = config.get("tokenizer_class");
		if (c == null || c.isJsonNull()) return;
		String name = c.getAsString();
		if (!name.equals("CLIPTokenizer") && !name.equals("CLIPTokenizerFast")) {
			throw new IOException(folder.resolve("tokenizer_config.json") + " names tokenizer_class " + name +
				"; only CLIPTokenizer folders (Stable Diffusion 1.x and 2.x) are supported.");
		}
	}

	private static Token token(String key, String dflt, JsonObject config, JsonObject map,
		Map<String, Integer> ids, Path folder) throws IOException
	{
		JsonElement e = map.has(key) ? map.get(key) : config.get(key);
		String content = dflt;
		boolean lstrip = false, rstrip = false, normalized = false;
		if (e != null && e.isJsonObject()) {
			JsonObject o = e.getAsJsonObject();
			content = o.get("content").getAsString();
			lstrip = flag(o, "lstrip");
			rstrip = flag(o, "rstrip");
			normalized = flag(o, "normalized");
		}
		else if (e != null && !e.isJsonNull()) {
			content = e.getAsString();
		}
		Integer id = ids.get(content);
		if (id == null) {
			throw new IOException("The " + key + " '" + content + "' of " + folder + " is neither in vocab.json " +
				"nor in tokenizer_config.json's added_tokens_decoder.");
		}
		return new Token(content, id, lstrip, rstrip, normalized, false, true);
	}

	private static boolean flag(JsonObject o, String name) {
		JsonElement e = o.get(name);
		return e != null && !e.isJsonNull() && e.getAsBoolean();
	}

	private static JsonObject readOptional(Path file) throws IOException {
		if (!Files.isRegularFile(file)) return new JsonObject();
		return JsonFiles.readObject(file, "a JSON object");
	}
}
