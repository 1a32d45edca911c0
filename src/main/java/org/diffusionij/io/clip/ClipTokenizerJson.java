package org.diffusionij.io.clip;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.diffusionij.io.JsonFiles;

/**
 * Builds the Hugging Face {@code tokenizer.json} of a CLIP tokenizer from the {@code vocab.json} and
 * {@code merges.txt} that Stable Diffusion folders ship, exactly as transformers' {@code CLIPConverter}
 * (convert_slow_tokenizer.py) does when it makes a {@code CLIPTokenizerFast}: NFC, whitespace runs to one space
 * and lower case; CLIP's split pattern then byte-level; BPE with the {@code </w>} end-of-word suffix; BOS and EOS
 * around every sequence. DJL's {@code HuggingFaceTokenizer} runs the result, so no BPE is written here.
 */
public final class ClipTokenizerJson {

	/** CLIP's pre-tokenisation pattern (tokenization_clip.py without its special-token alternatives). */
	public static final String PATTERN = "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

	/** transformers' CLIPTokenizer reads at most this many merges ({@code 49152 - 256 - 2}). */
	static final int MAX_MERGES = 49152 - 256 - 2;

	private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

	private ClipTokenizerJson() {}

	/** The vocabulary of {@code vocab.json} (token to id). */
	public static JsonObject readVocab(Path file) throws IOException {
		requireFile(file);
		return JsonFiles.readObject(file, "a JSON object of token ids");
	}

	/**
	 * The merges of {@code merges.txt} as "left right" pairs: like CLIPTokenizer, the first line (the
	 * {@code #version} header) is skipped and at most {@link #MAX_MERGES} merges are read.
	 */
	public static List<String> readMerges(Path file) throws IOException {
		requireFile(file);
		String[] lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim().split("\n");
		List<String> merges = new ArrayList<>();
		for (int i = 1; i < lines.length && merges.size() < MAX_MERGES; i++) {
			String[] pair = lines[i].trim().split("\\s+");
			if (pair.length != 2) {
				throw new IOException(file + " line " + (i + 1) + " is not a pair of symbols: '" + lines[i] + "'");
			}
			merges.add(pair[0] + " " + pair[1]);
		}
		return merges;
	}

	/** The tokenizer.json text (no padding or truncation: {@link ClipTokenizer} applies those). */
	public static String build(JsonObject vocab, List<String> merges, ClipSpecialTokens specials) {
		JsonObject root = new JsonObject();
		root.addProperty("version", "1.0");
		root.add("truncation", null);
		root.add("padding", null);
		root.add("added_tokens", addedTokens(specials));
		root.add("normalizer", normalizer());
		root.add("pre_tokenizer", preTokenizer());
		root.add("post_processor", postProcessor(specials));
		root.add("decoder", byteLevel(true));
		root.add("model", model(vocab, merges, specials));
		return GSON.toJson(root);
	}

	private static JsonArray addedTokens(ClipSpecialTokens specials) {
		JsonArray out = new JsonArray();
		for (ClipSpecialTokens.Token t : specials.added()) {
			JsonObject o = new JsonObject();
			o.addProperty("id", t.id);
			o.addProperty("content", t.content);
			o.addProperty("single_word", t.singleWord);
			o.addProperty("lstrip", t.lstrip);
			o.addProperty("rstrip", t.rstrip);
			o.addProperty("normalized", t.normalized);
			o.addProperty("special", t.special);
			out.add(o);
		}
		return out;
	}

	private static JsonObject normalizer() {
		JsonObject replace = typed("Replace");
		replace.add("pattern", regex("\\s+"));
		replace.addProperty("content", " ");
		JsonArray list = new JsonArray();
		list.add(typed("NFC"));
		list.add(replace);
		list.add(typed("Lowercase"));
		JsonObject seq = typed("Sequence");
		seq.add("normalizers", list);
		return seq;
	}

	private static JsonObject preTokenizer() {
		JsonObject split = typed("Split");
		split.add("pattern", regex(PATTERN));
		split.addProperty("behavior", "Removed");
		split.addProperty("invert", true);
		JsonArray list = new JsonArray();
		list.add(split);
		list.add(byteLevel(false));
		JsonObject seq = typed("Sequence");
		seq.add("pretokenizers", list);
		return seq;
	}

	private static JsonObject postProcessor(ClipSpecialTokens specials) {
		JsonObject p = typed("RobertaProcessing");
		p.add("sep", pair(specials.eos));
		p.add("cls", pair(specials.bos));
		p.addProperty("trim_offsets", false);
		p.addProperty("add_prefix_space", false);
		return p;
	}

	private static JsonObject model(JsonObject vocab, List<String> merges, ClipSpecialTokens specials) {
		JsonObject m = typed("BPE");
		m.add("dropout", null);
		m.addProperty("unk_token", specials.unk.content);
		m.addProperty("continuing_subword_prefix", "");
		m.addProperty("end_of_word_suffix", "</w>");
		m.addProperty("fuse_unk", false);
		m.addProperty("byte_fallback", false);
		m.add("vocab", vocab);
		JsonArray list = new JsonArray();
		for (String merge : merges) list.add(merge);
		m.add("merges", list);
		return m;
	}

	/** A ByteLevel pre-tokenizer or decoder with the defaults of tokenizers' Python constructors. */
	private static JsonObject byteLevel(boolean addPrefixSpace) {
		JsonObject b = typed("ByteLevel");
		b.addProperty("add_prefix_space", addPrefixSpace);
		b.addProperty("trim_offsets", true);
		b.addProperty("use_regex", true);
		return b;
	}

	private static JsonArray pair(ClipSpecialTokens.Token t) {
		JsonArray a = new JsonArray();
		a.add(t.content);
		a.add(t.id);
		return a;
	}

	private static JsonObject regex(String pattern) {
		JsonObject o = new JsonObject();
		o.addProperty("Regex", pattern);
		return o;
	}

	private static JsonObject typed(String type) {
		JsonObject o = new JsonObject();
		o.addProperty("type", type);
		return o;
	}

	private static void requireFile(Path file) throws IOException {
		if (!Files.isRegularFile(file)) {
			throw new IOException("Missing " + file + ". A Stable Diffusion tokenizer folder has vocab.json and " +
				"merges.txt (as downloaded from the Hugging Face Hub).");
		}
	}
}
