package org.diffusionij.io.clip;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.diffusionij.engine.DiffusionEngine;

/**
 * The CLIP tokenizer of a Stable Diffusion folder's {@code tokenizer/}, as diffusers calls it:
 * {@code tokenizer(prompt, padding="max_length", max_length=77, truncation=True)}. BPE runs in DJL's
 * {@link HuggingFaceTokenizer} on a {@code tokenizer.json} built by {@link ClipTokenizerJson}; this class adds
 * what transformers adds around it: truncation that keeps BOS and EOS, and padding with the folder's pad token
 * (EOS in Stable Diffusion 1.x, {@code !} in 2.x).
 * <p>
 * The ids are those of transformers' CLIPTokenizerFast. Diffusers loads the slow CLIPTokenizer, which gives the
 * same ids except where its text cleaning differs: without the ftfy package it puts a space around every CJK
 * ideograph (so "東京" is two words there, one word here); with ftfy it also unescapes HTML entities
 * ({@code &amp;}) and repairs mojibake, which this tokenizer leaves as typed.
 */
public final class ClipTokenizer implements Closeable {

	private final HuggingFaceTokenizer tokenizer;
	private final ClipSpecialTokens specials;

	private ClipTokenizer(HuggingFaceTokenizer tokenizer, ClipSpecialTokens specials) {
		this.tokenizer = tokenizer;
		this.specials = specials;
	}

	/**
	 * Loads a tokenizer folder: {@code vocab.json} and {@code merges.txt}, with {@code tokenizer_config.json}
	 * and {@code special_tokens_map.json} when present (CLIP's defaults otherwise).
	 */
	public static ClipTokenizer load(Path folder) throws IOException {
		JsonObject vocab = ClipTokenizerJson.readVocab(folder.resolve("vocab.json"));
		List<String> merges = ClipTokenizerJson.readMerges(folder.resolve("merges.txt"));
		ClipSpecialTokens specials = ClipSpecialTokens.read(folder, vocab);
		String json = ClipTokenizerJson.build(vocab, merges, specials);
		HuggingFaceTokenizer t;
		try {
			// DJL finds the tokenizers native library through the context class loader (Fiji: the plugin's)
			t = DiffusionEngine.withPluginClassLoader(() -> HuggingFaceTokenizer.newInstance(
				new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
				Collections.singletonMap("addSpecialTokens", "true")));
		}
		catch (RuntimeException | UnsatisfiedLinkError e) {
			throw new IOException("Could not create the CLIP tokenizer of " + folder + ": " + e.getMessage(), e);
		}
		return new ClipTokenizer(t, specials);
	}

	/** The padded length ({@code model_max_length}, 77 for CLIP). */
	public int maxLength() {
		return specials.modelMaxLength;
	}

	public ClipSpecialTokens specials() {
		return specials;
	}

	/** Token ids of {@code text} with BOS and EOS, neither truncated nor padded. */
	public long[] ids(String text) {
		return encoding(text).getIds();
	}

	/** BPE tokens of {@code text} without BOS and EOS (as transformers' {@code tokenize}). */
	public String[] tokens(String text) {
		String[] all = encoding(text).getTokens();
		return Arrays.copyOfRange(all, 1, all.length - 1);
	}

	/**
	 * The {@code input_ids} diffusers feeds the text encoder: BOS, the tokens, EOS, padded with the pad id to
	 * {@link #maxLength()}; a longer prompt keeps its first {@code maxLength - 2} tokens between BOS and EOS.
	 */
	public long[] inputIds(String text) {
		long[] ids = ids(text);
		int n = maxLength();
		long[] out = new long[n];
		Arrays.fill(out, specials.pad.id);
		if (ids.length > n) {
			System.arraycopy(ids, 0, out, 0, n - 1);
			out[n - 1] = specials.eos.id;
		}
		else {
			System.arraycopy(ids, 0, out, 0, ids.length);
		}
		return out;
	}

	/** The text of token ids without special tokens, {@code </w>} read as a space (CLIPTokenizer's decode). */
	public String decode(long[] ids) {
		return tokenizer.decode(ids, true).replace("</w>", " ").trim();
	}

	private Encoding encoding(String text) {
		if (text == null) throw new IllegalArgumentException("The prompt is null; use \"\" for an empty prompt.");
		return tokenizer.encode(text, true, false);
	}

	@Override
	public void close() {
		tokenizer.close();
	}
}
