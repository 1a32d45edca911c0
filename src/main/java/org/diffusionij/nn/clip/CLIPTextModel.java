package org.diffusionij.nn.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.io.PickleRefusal;
import org.diffusionij.io.safetensors.SafetensorsReader;

/**
 * transformers' {@code CLIPTextModel}, the text encoder of Stable Diffusion 1.x and 2.x, read from a diffusers
 * folder's {@code text_encoder/} with transformers' tensor names verbatim. Token and position embeddings, a stack
 * of pre-norm causal self-attention layers (as many as {@code num_hidden_layers} says: 12 in 1.x, 23 in 2.x), a
 * final layer norm. Diffusers conditions the UNet on the {@link #forward last hidden state}.
 */
public final class CLIPTextModel implements AutoCloseable {

	public static final String WEIGHTS = "model.safetensors", WEIGHTS_FP16 = "model.fp16.safetensors";

	private static final String PREFIX = "text_model.";

	private final NDManager manager;
	private final CLIPTextConfig config;
	private final DataType dtype;
	private final NDArray tokenEmbedding, positionEmbedding, finalWeight, finalBias;
	private final List<CLIPEncoderLayer> layers;

	private CLIPTextModel(CLIPTextConfig config, SafetensorsReader reader, NDManager manager, DataType dtype)
		throws IOException
	{
		this.manager = manager;
		this.config = config;
		this.dtype = dtype;
		CLIPWeights w = new CLIPWeights(reader, manager, dtype);
		int h = config.hiddenSize;
		tokenEmbedding = w.take(PREFIX + "embeddings.token_embedding.weight", config.vocabSize, h);
		positionEmbedding = w.take(PREFIX + "embeddings.position_embedding.weight", config.maxPositionEmbeddings, h);
		List<CLIPEncoderLayer> list = new ArrayList<>();
		for (int i = 0; i < config.numHiddenLayers; i++) {
			list.add(new CLIPEncoderLayer(PREFIX + "encoder.layers." + i + ".", config, w));
		}
		layers = Collections.unmodifiableList(list);
		finalWeight = w.take(PREFIX + "final_layer_norm.weight", h);
		finalBias = w.take(PREFIX + "final_layer_norm.bias", h);
		w.finish();
	}

	/**
	 * Loads {@code folder/config.json} and {@code folder/model.safetensors} (or the {@code model.fp16} variant)
	 * into a sub-manager of {@code parent}, in float32.
	 */
	public static CLIPTextModel load(Path folder, NDManager parent) throws IOException {
		return load(folder, parent, DataType.FLOAT32);
	}

	/** As {@link #load(Path, NDManager)}, with weights and computation in {@code dtype} (float16 for GPUs). */
	public static CLIPTextModel load(Path folder, NDManager parent, DataType dtype) throws IOException {
		CLIPTextConfig config = new CLIPTextConfig(ConfigJson.load(folder.resolve("config.json")));
		return load(config, weightsFile(folder), parent, dtype);
	}

	/** Loads the weights of {@code file} for {@code config}; every mismatch is reported at once. */
	public static CLIPTextModel load(CLIPTextConfig config, Path file, NDManager parent, DataType dtype)
		throws IOException
	{
		if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT16) {
			throw new IllegalArgumentException("The text encoder runs in float32 or float16, not " + dtype + ".");
		}
		NDManager manager = parent.newSubManager();
		try (SafetensorsReader reader = SafetensorsReader.open(file)) {
			return new CLIPTextModel(config, reader, manager, dtype);
		}
		catch (IOException | RuntimeException e) {
			manager.close();
			throw e;
		}
	}

	/** {@code model.safetensors}, else {@code model.fp16.safetensors}; a pickle-only folder is refused. */
	static Path weightsFile(Path folder) throws IOException {
		for (String name : new String[] { WEIGHTS, WEIGHTS_FP16 }) {
			if (Files.isRegularFile(folder.resolve(name))) return folder.resolve(name);
		}
		for (String name : new String[] { "pytorch_model.bin", "pytorch_model.fp16.bin" }) {
			if (Files.isRegularFile(folder.resolve(name))) throw PickleRefusal.refuse(folder.resolve(name));
		}
		throw new IOException("Missing " + folder.resolve(WEIGHTS) + ": the text encoder's weights.");
	}

	public CLIPTextConfig config() {
		return config;
	}

	/**
	 * The last hidden state (after the final layer norm) for token ids of shape (batch, seq), seq at most
	 * {@code max_position_embeddings}, ids below {@code vocab_size}; the result (batch, seq, hidden) is attached
	 * to the ids' manager.
	 */
	public NDArray forward(NDArray inputIds) {
		Shape s = inputIds.getShape();
		if (s.dimension() != 2 || s.get(1) > config.maxPositionEmbeddings) {
			throw new IllegalArgumentException("input_ids must be (batch, seq ≤ " + config.maxPositionEmbeddings +
				"), not " + s);
		}
		for (long id : inputIds.toLongArray()) {
			if (id < 0 || id >= config.vocabSize) {
				throw new IllegalArgumentException("Token id " + id + " is outside the text encoder's vocabulary " +
					"(vocab_size " + config.vocabSize + "): the tokenizer does not belong to this text encoder.");
			}
		}
		int seq = (int) s.get(1);
		NDManager outer = inputIds.getManager();
		try (NDManager scope = outer.newSubManager()) {
			NDArray ids = inputIds.toType(DataType.INT64, true);
			ids.attach(scope);
			NDArray positions = scope.arange(0, seq, 1, DataType.INT64);
			NDArray h = embed(ids, tokenEmbedding).add(embed(positions, positionEmbedding));
			NDArray mask = causalMask(scope, seq, dtype);
			for (CLIPEncoderLayer layer : layers) {
				try (NDManager step = scope.newSubManager()) {
					h.attach(step);
					NDArray next = layer.forward(h, mask);
					next.attach(scope);
					h = next;
				}
			}
			NDArray out = CLIPEncoderLayer.layerNorm(h, new Shape(config.hiddenSize), finalWeight, finalBias,
				(float) config.layerNormEps);
			out.attach(outer);
			return out;
		}
	}

	/**
	 * transformers' {@code pooler_output}: the last hidden state at each sequence's first EOS token, found as
	 * transformers does (the largest id when {@code eos_token_id} is the legacy 2, else the first
	 * {@code eos_token_id}). Attached to the hidden state's manager.
	 */
	public NDArray pooledOutput(NDArray lastHiddenState, NDArray inputIds) {
		long[] ids = inputIds.toLongArray();
		int batch = (int) inputIds.getShape().get(0), seq = (int) inputIds.getShape().get(1);
		NDList rows = new NDList(batch);
		for (int b = 0; b < batch; b++) {
			long[] row = Arrays.copyOfRange(ids, b * seq, (b + 1) * seq);
			int eos = config.eosTokenId == 2 ? argmax(row) : firstIndex(row, config.eosTokenId);
			rows.add(lastHiddenState.get(b, eos));
		}
		NDArray out = NDArrays.stack(rows);
		rows.close();
		return out;
	}

	/** Index of the first largest value (torch's argmax). */
	private static int argmax(long[] row) {
		int best = 0;
		for (int i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
		return best;
	}

	/** Index of the first {@code value}, or 0 when absent (torch's argmax of the equality mask). */
	private static int firstIndex(long[] row, long value) {
		for (int i = 0; i < row.length; i++) if (row[i] == value) return i;
		return 0;
	}

	private static NDArray embed(NDArray ids, NDArray weight) {
		return Embedding.embedding(ids, weight, SparseFormat.DENSE).singletonOrThrow();
	}

	/** transformers' causal mask: 0 on and below the diagonal, the dtype's lowest value above it. */
	private static NDArray causalMask(NDManager scope, int seq, DataType dtype) {
		float lowest = dtype == DataType.FLOAT16 ? -65504f : -Float.MAX_VALUE;
		float[] m = new float[seq * seq];
		for (int i = 0; i < seq; i++) {
			for (int j = i + 1; j < seq; j++) m[i * seq + j] = lowest;
		}
		return scope.create(m, new Shape(seq, seq)).toType(dtype, false);
	}

	@Override
	public void close() {
		manager.close();
	}
}
