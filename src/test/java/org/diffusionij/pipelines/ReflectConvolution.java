package org.diffusionij.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * A translation-equivariant test network in plain Java: a fixed 5x5 convolution with mirror boundaries, mapping
 * 3 channels to 2 (channel 0, and channels 1 and 2 summed). Away from the borders of what it is given its result
 * does not depend on where it was cut, which is what makes tiling seams visible.
 */
final class ReflectConvolution {

	private static final int R = 2;

	private ReflectConvolution() {}

	/** The tile function: 1x3xHxW in, 1x2xHxW out, in the tile's manager. */
	static NDArray apply(NDArray tile) {
		Shape s = tile.getShape();
		int h = (int) s.get(2);
		int w = (int) s.get(3);
		return tile.getManager().create(apply(tile.toFloatArray(), 3, h, w), new Shape(1, 2, h, w));
	}

	/** The convolution of one 3xHxW item, 2xHxW out. */
	static float[] apply(float[] in, int channels, int h, int w) {
		float[] out = new float[2 * h * w];
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				double a = 0, b = 0;
				for (int dy = -R; dy <= R; dy++) {
					for (int dx = -R; dx <= R; dx++) {
						int i = TileAxis.reflect(y + dy, h) * w + TileAxis.reflect(x + dx, w);
						double k = (dy + 3) * 0.1 - (dx + 2) * 0.05 + dy * dx * 0.02;
						a += k * in[i];
						b += k * (in[h * w + i] + in[2 * h * w + i]);
					}
				}
				out[y * w + x] = (float) a;
				out[h * w + y * w + x] = (float) b;
			}
		}
		return out;
	}
}
