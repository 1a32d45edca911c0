package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * diffusers' {@code Timesteps}: the sinusoidal embedding of {@code get_timestep_embedding}, with
 * {@code flip_sin_to_cos} and {@code downscale_freq_shift}. It has no parameters. The float32 steps follow
 * diffusers' order of operations, so the embedding matches bit for bit on the same libtorch kernels.
 */
public final class Timesteps {

	private static final double MAX_PERIOD = 10000;

	private final int numChannels;
	private final boolean flipSinToCos;
	private final double downscaleFreqShift;

	public Timesteps(int numChannels, boolean flipSinToCos, double downscaleFreqShift) {
		this.numChannels = numChannels;
		this.flipSinToCos = flipSinToCos;
		this.downscaleFreqShift = downscaleFreqShift;
	}

	/** (N) timesteps, any numeric type, to (N, numChannels) float32, in {@code timesteps}' manager. */
	public NDArray forward(NDArray timesteps) {
		NDManager scope = timesteps.getManager();
		int half = numChannels / 2;
		NDArray exponent = scope.arange(0, half, 1, DataType.FLOAT32).mul(-Math.log(MAX_PERIOD))
			.div(half - downscaleFreqShift);
		NDArray freqs = exponent.exp();
		NDArray args = timesteps.toType(DataType.FLOAT32, false).reshape(-1, 1).mul(freqs.reshape(1, -1));
		NDArray sin = args.sin();
		NDArray cos = args.cos();
		NDArray emb = flipSinToCos ? cos.concat(sin, 1) : sin.concat(cos, 1);
		if (numChannels % 2 == 1) emb = emb.pad(new Shape(0, 1), 0);
		return emb;
	}
}
