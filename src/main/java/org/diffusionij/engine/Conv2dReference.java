package org.diffusionij.engine;

/**
 * A plain-Java, double-precision 2D convolution (stride s, zero padding, NCHW, weights OIHW) with its analytic
 * gradients, as the ground truth the libtorch canary is checked against. For the loss {@code sum(out * g)} the
 * upstream gradient of {@code out} is {@code g}, so {@code dx} and {@code dw} are plain correlations with g.
 */
final class Conv2dReference {

	final double[] out;
	final double[] inputGradient;
	final double[] weightGradient;

	/** Output side for an input side {@code size}: {@code (size + 2p - k) / s + 1}, as torch computes it. */
	static int outSize(int size, int k, int p, int s) {
		return (size + 2 * p - k) / s + 1;
	}

	/** Stride 1. */
	Conv2dReference(float[] x, float[] weight, float[] bias, float[] g, int n, int c, int h, int w, int o, int k,
		int p)
	{
		this(x, weight, bias, g, n, c, h, w, o, k, p, 1);
	}

	/**
	 * @param x input, shape [n, c, h, w]
	 * @param weight weights, shape [o, c, k, k]
	 * @param bias per output channel, length o
	 * @param g upstream gradient of the output, shape [n, o, outSize(h), outSize(w)]
	 * @param s stride
	 */
	Conv2dReference(float[] x, float[] weight, float[] bias, float[] g, int n, int c, int h, int w, int o, int k,
		int p, int s)
	{
		int oh = outSize(h, k, p, s);
		int ow = outSize(w, k, p, s);
		out = new double[n * o * oh * ow];
		inputGradient = new double[x.length];
		weightGradient = new double[weight.length];
		for (int b = 0; b < n; b++) {
			for (int oc = 0; oc < o; oc++) {
				for (int i = 0; i < oh; i++) {
					for (int j = 0; j < ow; j++) {
						int outIndex = ((b * o + oc) * oh + i) * ow + j;
						double sum = bias[oc];
						double up = g[outIndex];
						for (int ic = 0; ic < c; ic++) {
							for (int u = 0; u < k; u++) {
								int y = i * s + u - p;
								if (y < 0 || y >= h) continue;
								for (int v = 0; v < k; v++) {
									int z = j * s + v - p;
									if (z < 0 || z >= w) continue;
									int xi = ((b * c + ic) * h + y) * w + z;
									int wi = ((oc * c + ic) * k + u) * k + v;
									sum += (double) x[xi] * weight[wi];
									inputGradient[xi] += up * weight[wi];
									weightGradient[wi] += up * x[xi];
								}
							}
						}
						out[outIndex] = sum;
					}
				}
			}
		}
	}
}
