package org.diffusionij.nn;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.junit.jupiter.api.Test;

/**
 * Convolutions with 9, 12 or 20 input channels (padded with zero channels inside {@link Conv2d}) against a direct
 * convolution in Java, and the padded weight does not stay with the parameters.
 */
class Conv2dPaddingTest {

	/** A 3×3 convolution with zero padding 1, summed in double precision. */
	static float[] direct(float[] x, float[] w, float[] bias, int n, int c, int h, int wd, int o) {
		float[] y = new float[n * o * h * wd];
		for (int b = 0; b < n; b++) {
			for (int k = 0; k < o; k++) {
				for (int i = 0; i < h; i++) {
					for (int j = 0; j < wd; j++) {
						double s = bias[k];
						for (int ch = 0; ch < c; ch++) {
							for (int u = 0; u < 3; u++) {
								for (int v = 0; v < 3; v++) {
									int yi = i + u - 1, xj = j + v - 1;
									if (yi < 0 || yi >= h || xj < 0 || xj >= wd) continue;
									s += w[((k * c + ch) * 3 + u) * 3 + v] * (double) x[((b * c + ch) * h + yi) * wd + xj];
								}
							}
						}
						y[((b * o + k) * h + i) * wd + j] = (float) s;
					}
				}
			}
		}
		return y;
	}

	@Test
	void paddedInputChannelsGiveThePlainConvolution() {
		DiffusionEngine.inferenceThread();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			for (int in : new int[] { 9, 12, 20 }) {
				ParameterStore store = new ParameterStore();
				Conv2d conv = new Conv2d(store, "conv_in", in, 16, 3, 1, 1);
				store.initialize(m, Generator.manualSeed(in));
				Generator.manualSeed(in);
				try (NDManager call = m.newSubManager()) {
					NDArray x = call.randomNormal(new Shape(2, in, 12, 10));
					NDArray got = conv.forward(x);
					float[] b = direct(x.toFloatArray(), store.arrays().get("conv_in.weight").toFloatArray(), store.arrays()
						.get("conv_in.bias").toFloatArray(), 2, in, 12, 10, 16);
					assertEquals(new Shape(2, 16, 12, 10), got.getShape());
					assertSame(call, got.getManager());
					float[] a = got.toFloatArray();
					for (int i = 0; i < a.length; i++) assertEquals(b[i], a[i], 1e-5, in + " channels, element " + i);
				}
				assertEquals(2, store.arrays().values().stream().filter(p -> p.getManager() == m).count(),
					"the padded weight is not left with the parameters");
			}
		}
	}
}
