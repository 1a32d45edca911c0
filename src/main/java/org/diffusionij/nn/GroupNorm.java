package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;

/**
 * {@code torch.nn.GroupNorm} with affine parameters {@code <name>.weight} and {@code <name>.bias}. DJL has no
 * group norm, so the input (N, C, ...) is viewed as (N, G, C/G·...) and normalised per row by libtorch's layer
 * norm (same per-group mean and biased variance), then scaled and shifted per channel.
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
}
