package org.diffusionij.nn;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shared parts against their definitions, where the whole-UNet fixture would not single out a fault. */
class PartsTest {

	private static NDManager manager;

	@BeforeAll
	static void start() {
		DiffusionEngine.start();
		DiffusionEngine.inferenceThread();
		manager = NDManager.newBaseManager(Device.cpu());
	}

	@AfterAll
	static void close() {
		manager.close();
	}

	@Test
	void groupNormMatchesItsDefinition() {
		try (NDManager m = manager.newSubManager()) {
			ParameterStore store = new ParameterStore();
			GroupNorm norm = new GroupNorm(store, "norm", 2, 4, 1e-5);
			Map<String, NDArray> w = new HashMap<>();
			w.put("norm.weight", m.create(new float[] { 1f, 2f, -1f, 0.5f }));
			w.put("norm.bias", m.create(new float[] { 0f, 1f, 2f, -3f }));
			store.load(w);
			Generator.manualSeed(1);
			NDArray x = m.randomNormal(new Shape(2, 4, 3, 5));
			float[] in = x.toFloatArray();
			float[] out = norm.forward(x).toFloatArray();
			float[] gamma = { 1f, 2f, -1f, 0.5f };
			float[] beta = { 0f, 1f, 2f, -3f };
			int group = 2 * 15;
			for (int n = 0; n < 2; n++) {
				for (int g = 0; g < 2; g++) {
					int off = n * 60 + g * group;
					double mean = 0, var = 0;
					for (int i = 0; i < group; i++) mean += in[off + i];
					mean /= group;
					for (int i = 0; i < group; i++) var += (in[off + i] - mean) * (in[off + i] - mean);
					var /= group;
					for (int i = 0; i < group; i++) {
						int c = g * 2 + i / 15;
						double expected = (in[off + i] - mean) / Math.sqrt(var + 1e-5) * gamma[c] + beta[c];
						assertEquals(expected, out[off + i], 1e-5);
					}
				}
			}
		}
	}

	@Test
	void slicedAttentionEqualsWhole() {
		try (NDManager m = manager.newSubManager()) {
			ParameterStore store = new ParameterStore();
			Attention attention = new Attention(store, "attn", 32, 4, 8, 8, 1e-5, 1.0);
			store.initialize(m, Generator.manualSeed(11));
			Generator.manualSeed(2);
			NDArray x = m.randomNormal(new Shape(3, 32, 4, 6));
			float[] whole = attention.forward(x, Long.MAX_VALUE).toFloatArray();
			float[] sliced = attention.forward(x, 2 * 24 * 24).toFloatArray();
			assertArrayEquals(whole, sliced, 1e-6f);
		}
	}

	@Test
	void downsampleWithoutPaddingPadsRightAndBottom() {
		try (NDManager m = manager.newSubManager()) {
			ParameterStore store = new ParameterStore();
			Downsample2D down = new Downsample2D(store, "down", 1, 1, 0);
			float[] kernel = new float[9];
			kernel[8] = 1f; // picks the input at (2i+2, 2j+2)
			Map<String, NDArray> w = new HashMap<>();
			w.put("down.conv.weight", m.create(kernel, new Shape(1, 1, 3, 3)));
			w.put("down.conv.bias", m.zeros(new Shape(1)));
			store.load(w);
			NDArray x = m.arange(1f, 17f).reshape(1, 1, 4, 4);
			NDArray y = down.forward(x);
			assertEquals(new Shape(1, 1, 2, 2), y.getShape());
			assertArrayEquals(new float[] { 11f, 0f, 0f, 0f }, y.toFloatArray());
		}
	}

	@Test
	void timestepEmbeddingFollowsDiffusersFormula() {
		try (NDManager m = manager.newSubManager()) {
			float[] emb = new Timesteps(6, true, 1).forward(m.create(new long[] { 0, 7 })).toFloatArray();
			for (int i = 0; i < 3; i++) {
				double freq = Math.exp(-Math.log(10000) * i / (3 - 1.0));
				assertEquals(1.0, emb[i], 1e-6);
				assertEquals(0.0, emb[3 + i], 1e-6);
				assertEquals(Math.cos(7 * freq), emb[6 + i], 1e-5);
				assertEquals(Math.sin(7 * freq), emb[9 + i], 1e-5);
			}
		}
	}
}
