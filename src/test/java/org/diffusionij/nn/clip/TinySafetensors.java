package org.diffusionij.nn.clip;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Writes small float32 safetensors files with seeded random values, for checkpoints with chosen defects. */
final class TinySafetensors {

	private final Map<String, long[]> shapes = new LinkedHashMap<>();

	TinySafetensors put(String name, long... shape) {
		shapes.put(name, shape);
		return this;
	}

	TinySafetensors remove(String name) {
		shapes.remove(name);
		return this;
	}

	/** All tensors of a CLIPTextModel with the given sizes, named as transformers names them. */
	static TinySafetensors clip(int vocab, int positions, int hidden, int intermediate, int layers) {
		TinySafetensors t = new TinySafetensors();
		t.put("text_model.embeddings.token_embedding.weight", vocab, hidden);
		t.put("text_model.embeddings.position_embedding.weight", positions, hidden);
		for (int i = 0; i < layers; i++) {
			String p = "text_model.encoder.layers." + i + ".";
			for (String proj : new String[] { "q_proj", "k_proj", "v_proj", "out_proj" }) {
				t.put(p + "self_attn." + proj + ".weight", hidden, hidden);
				t.put(p + "self_attn." + proj + ".bias", hidden);
			}
			t.put(p + "layer_norm1.weight", hidden).put(p + "layer_norm1.bias", hidden);
			t.put(p + "mlp.fc1.weight", intermediate, hidden).put(p + "mlp.fc1.bias", intermediate);
			t.put(p + "mlp.fc2.weight", hidden, intermediate).put(p + "mlp.fc2.bias", hidden);
			t.put(p + "layer_norm2.weight", hidden).put(p + "layer_norm2.bias", hidden);
		}
		t.put("text_model.final_layer_norm.weight", hidden).put("text_model.final_layer_norm.bias", hidden);
		return t;
	}

	void write(Path file, long seed) throws IOException {
		Random random = new Random(seed);
		JsonObject header = new JsonObject();
		long offset = 0;
		for (Map.Entry<String, long[]> e : shapes.entrySet()) {
			long n = 1;
			JsonArray shape = new JsonArray();
			for (long d : e.getValue()) {
				n *= d;
				shape.add(d);
			}
			JsonObject o = new JsonObject();
			o.addProperty("dtype", "F32");
			o.add("shape", shape);
			JsonArray range = new JsonArray();
			range.add(offset);
			range.add(offset + 4 * n);
			o.add("data_offsets", range);
			header.add(e.getKey(), o);
			offset += 4 * n;
		}
		byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
		ByteBuffer b = ByteBuffer.allocate(8 + json.length + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
		b.putLong(json.length).put(json);
		while (b.hasRemaining()) b.putFloat((float) (random.nextGaussian() * 0.2));
		Files.write(file, b.array());
	}
}
