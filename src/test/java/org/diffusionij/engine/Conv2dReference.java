package org.diffusionij.engine;

/**
 * A plain-Java, double-precision 2D convolution (stride 1, zero padding, NCHW, weights OIHW) with its analytic
 * gradients, as the ground truth the libtorch canary is checked against. For the loss {@code sum(out * g)} the
 * upstream gradient of {@code out} is {@code g}, so {@code dx} and {@code dw} are plain correlations with g.
 */
final class Conv2dReference {

	final double[] out;
	final double[] inputGradient;
	final double[] weightGradient;

	/**
	 * @param x input, shape [n, c, h, w]
	 * @param weight weights, shape [o, c, k, k]
	 * @param bias per output channel, length o
	 * @param g upstream gradient of the output, shape [n, o, h + 2p - k + 1, w + 2p - k + 1]
	 */
	Conv2dReference(float[] x, float[] weight, float[] bias, float[] g, int n, int c, int h, int w, int o, int k,
		int p)
	{
		int oh = h + 2 * p - k + 1;
		int ow = w + 2 * p - k + 1;
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
								int y = i + u - p;
								if (y < 0 || y >= h) continue;
								for (int v = 0; v < k; v++) {
									int z = j + v - p;
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
