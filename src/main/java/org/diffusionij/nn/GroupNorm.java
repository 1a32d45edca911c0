package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;
import java.util.Arrays;

/**
 * {@code torch.nn.GroupNorm} with affine parameters {@code <name>.weight} and {@code <name>.bias}. DJL has no
 * group norm, so the input (N, C, ...) is viewed as (N, G, C/G·...) and normalised per row by libtorch's layer
 * norm (same per-group mean and biased variance), then scaled and shifted per channel.
 * <p>
 * In inference ({@link Ops#fastInference}) on (N, C, H, W) it reads the input twice and writes once, where the
 * layer norm above writes a normalised copy and the affine two more: per-channel sums of {@code x} and of
 * {@code x²} (as norms), combined per group in double precision into mean and variance ({@code E[x²] − E[x]²}, as
 * libtorch's own channels-last group norm), then one per-channel affine pass (libtorch's batch norm with these
 * statistics for N = 1, a scale and a shift per item and channel otherwise).
 */
public final class GroupNorm {

	private final ParameterStore.Parameter weight;
	private final ParameterStore.Parameter bias;
	private final int groups;
	private final int channels;
	private final float eps;

	public GroupNorm(ParameterStore store, String name, int groups, int channels, double eps) {
		if (groups <= 0 || channels % groups != 0) {
			throw new IllegalArgumentException(name + ": " + channels + " channels cannot be split into " + groups +
				" groups (norm_num_groups must divide every block's channel count).");
		}
		this.weight = store.declare(name + ".weight", new Shape(channels), ParameterStore.Init.ONES, 1);
		this.bias = store.declare(name + ".bias", new Shape(channels), ParameterStore.Init.ZEROS, 1);
		this.groups = groups;
		this.channels = channels;
		this.eps = (float) eps;
	}

	/** Normalises (N, C, ...) and returns the same shape, in {@code x}'s manager. */
	public NDArray forward(NDArray x) {
		NDManager parent = x.getManager();
		try (NDManager scope = Ops.scope(x)) {
			return Ops.in(parent, normalize(Ops.alias(x, scope), scope));
		}
	}

	private NDArray normalize(NDArray x, NDManager scope) {
		Shape shape = x.getShape();
		if (shape.dimension() == 4 && Ops.fastInference(x)) return normalizeInference(x, scope);
		NDArray rows = x.reshape(shape.get(0), groups, -1);
		Shape row = new Shape(rows.getShape().get(2));
		DataType type = x.getDataType();
		NDArray normed = LayerNorm.layerNorm(rows, row, scope.ones(row, type), scope.zeros(row, type), eps)
			.singletonOrThrow();
		long[] affine = new long[shape.dimension() - 1];
		affine[0] = channels;
		for (int i = 1; i < affine.length; i++) affine[i] = 1;
		Shape a = new Shape(affine);
		return normed.reshape(shape).mul(Ops.in(scope, weight.array().reshape(a)))
			.add(Ops.in(scope, bias.array().reshape(a)));
	}

	private NDArray normalizeInference(NDArray x, NDManager scope) {
		Shape shape = x.getShape();
		int n = (int) shape.get(0);
		int[] spatial = { 2, 3 };
		float[] sums = x.sum(spatial).toFloatArray();
		float[] norms = x.norm(2, spatial, false).toFloatArray();
		int per = channels / groups;
		double count = (double) per * shape.get(2) * shape.get(3);
		float[] mean = new float[n * channels];
		float[] var = new float[n * channels];
		for (int i = 0; i < n; i++) {
			for (int g = 0; g < groups; g++) {
				double s = 0, q = 0;
				for (int k = g * per; k < (g + 1) * per; k++) {
					s += sums[i * channels + k];
					q += (double) norms[i * channels + k] * norms[i * channels + k];
				}
				double m = s / count;
				double v = Math.max(0, q / count - m * m);
				Arrays.fill(mean, i * channels + g * per, i * channels + (g + 1) * per, (float) m);
				Arrays.fill(var, i * channels + g * per, i * channels + (g + 1) * per, (float) v);
			}
		}
		if (n == 1) {
			return ai.djl.nn.norm.BatchNorm.batchNorm(x, scope.create(mean), scope.create(var), weight.array(), bias
				.array(), -1, 0f, eps, false).singletonOrThrow(); // axis -1: libtorch's own (channels at 1)
		}
		float[] w = weight.array().toFloatArray();
		float[] b = bias.array().toFloatArray();
		float[] scale = new float[n * channels];
		float[] shift = new float[n * channels];
		for (int i = 0; i < n * channels; i++) {
			double a = w[i % channels] / Math.sqrt(var[i] + (double) eps);
			scale[i] = (float) a;
			shift[i] = (float) (b[i % channels] - mean[i] * a);
		}
		Shape perChannel = new Shape(n, channels, 1, 1);
		NDArray y = x.mul(scope.create(scale, perChannel));
		y.addi(scope.create(shift, perChannel));
		return y;
	}
}
