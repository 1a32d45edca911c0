package org.diffusionij.nn.clip;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.diffusionij.io.ConfigJson;

/**
 * A transformers {@code CLIPTextConfig} ({@code text_encoder/config.json}) with transformers' defaults. The
 * architecture is fully described by these numbers: Stable Diffusion 2's 23-layer encoder (OpenCLIP ViT-H with
 * its last layer dropped) differs from 1.x only in {@code num_hidden_layers}, sizes and {@code hidden_act}.
 */
public final class CLIPTextConfig {

	/** Keys with no effect on inference (dropout, initialisation, bookkeeping, the unused projection). */
	private static final String[] IRRELEVANT = { "architectures", "attention_dropout", "dropout",
		"initializer_range", "initializer_factor", "projection_dim", "model_type", "torch_dtype",
		"transformers_version", "pad_token_id", "bos_token_id" };

	public final int vocabSize, hiddenSize, intermediateSize, numAttentionHeads, numHiddenLayers;
	public final int maxPositionEmbeddings, eosTokenId;
	public final String hiddenAct;
	public final double layerNormEps;
	private final ConfigJson json;

	public CLIPTextConfig(ConfigJson c) throws IOException {
		json = c;
		checkModel(c);
		vocabSize = c.getInt("vocab_size", 49408);
		hiddenSize = c.getInt("hidden_size", 512);
		intermediateSize = c.getInt("intermediate_size", 2048);
		numAttentionHeads = c.getInt("num_attention_heads", 8);
		numHiddenLayers = c.getInt("num_hidden_layers", 12);
		maxPositionEmbeddings = c.getInt("max_position_embeddings", 77);
		hiddenAct = c.getString("hidden_act", "quick_gelu");
		layerNormEps = c.getDouble("layer_norm_eps", 1e-5);
		eosTokenId = c.getInt("eos_token_id", 49407);
		c.accept(IRRELEVANT);
		if (!hiddenAct.equals("quick_gelu") && !hiddenAct.equals("gelu")) {
			throw new IOException(c.source() + ": hidden_act '" + hiddenAct + "' is not supported (quick_gelu or " +
				"gelu).");
		}
		if (numAttentionHeads <= 0 || hiddenSize % numAttentionHeads != 0) {
			throw new IOException(c.source() + ": hidden_size " + hiddenSize + " is not a multiple of " +
				"num_attention_heads " + numAttentionHeads + ".");
		}
	}

	/** Keys of config.json this implementation does not understand (for a warning). */
	public List<String> unusedKeys() {
		return json.unusedKeys();
	}

	public int headDim() {
		return hiddenSize / numAttentionHeads;
	}

	private static void checkModel(ConfigJson c) throws IOException {
		String type = c.json().has("model_type") ? c.json().get("model_type").getAsString() : "clip_text_model";
		if (!type.equals("clip_text_model")) {
			throw new IOException(c.source() + " describes a '" + type + "' model; a Stable Diffusion " +
				"text_encoder is a CLIPTextModel (model_type clip_text_model).");
		}
		if (c.json().has("architectures")) {
			List<String> arch = Arrays.asList(c.getStrings("architectures", new String[0]));
			if (!arch.isEmpty() && !arch.contains("CLIPTextModel")) {
				throw new IOException(c.source() + " describes " + arch + "; only CLIPTextModel text encoders " +
					"(Stable Diffusion 1.x and 2.x) are supported.");
			}
		}
	}
}
