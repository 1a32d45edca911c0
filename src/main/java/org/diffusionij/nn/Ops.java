package org.diffusionij.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;

/**
 * Small tensor helpers shared by the network parts. DJL puts an op's result in its first operand's manager,
 * so anything computed from a parameter alone (a reshaped view of a weight) is moved into the caller's scope;
 * otherwise it would accumulate in the parameters' manager on every forward pass. Parts run their work in a
 * sub-manager of their input's manager ({@link #scope}, {@link #alias}) and hand back only their output
 * ({@link #in}), so a forward pass frees each part's temporaries as it goes: peak memory stays near that of
 * diffusers, and freed blocks are reused instead of fresh pages being faulted in for every op.
 * <p>
 * <b>Inference on the CPU</b> ({@link #fastInference}: no gradients, float32) computes sums and activations in
 * place where nothing else holds the operand, which keeps fewer activations alive and touches less memory.
 * Training keeps the plain ops.
 */
final class Ops {

	private Ops() {}

	/** SiLU (swish with beta 1), diffusers' {@code act_fn="silu"}. */
	static NDArray silu(NDArray x) {
		return x.mul(x.getNDArrayInternal().sigmoid());
	}

	/**
	 * SiLU of an intermediate that nothing else uses: in inference {@code sigmoid(x) * x} is computed into the
	 * sigmoid's array and {@code x} is closed (the same values as {@link #silu}, one activation fewer alive);
	 * with gradients it is {@link #silu}.
	 */
	static NDArray siluConsuming(NDArray x) {
		if (!fastInference(x)) return silu(x);
		NDArray s = x.getNDArrayInternal().sigmoid();
		s.muli(x);
		x.close();
		return s;
	}

	/**
	 * Whether {@code x} is computed without gradients, in float32 on the CPU: where the inference shortcuts
	 * (in-place ops, GroupNorm's one-pass statistics) apply.
	 */
	static boolean fastInference(NDArray x) {
		return x.getDataType() == DataType.FLOAT32 && Device.cpu().equals(x.getDevice()) && !JniUtils.isGradMode();
	}

	/** A sub-manager of {@code x}'s manager, for a part's temporaries. */
	static NDManager scope(NDArray x) {
		return x.getManager().newSubManager();
	}

	/**
	 * A view of {@code x} that belongs to {@code scope}, so that ops on it put their results there (closing the
	 * view leaves {@code x} intact).
	 */
	static NDArray alias(NDArray x, NDManager scope) {
		return in(scope, x.reshape(x.getShape()));
	}

	/**
	 * An up block's resnet input: {@code hidden} concatenated along channels with the last skip connection,
	 * which is removed from {@code resSamples}; both inputs are closed, since nothing uses them afterwards.
	 */
	static NDArray concatConsuming(NDArray hidden, List<NDArray> resSamples) {
		NDArray skip = resSamples.remove(resSamples.size() - 1);
		NDArray cat = hidden.concat(skip, 1);
		hidden.close();
		if (skip != hidden) skip.close();
		return cat;
	}

	/** The skip connection the next up block takes first (the size to upsample to), or null when none is left. */
	static NDArray nextSkip(List<NDArray> resSamples) {
		return resSamples.isEmpty() ? null : resSamples.get(resSamples.size() - 1);
	}

	/** Moves {@code a} into {@code scope} and returns it. */
	static NDArray in(NDManager scope, NDArray a) {
		a.attach(scope);
		return a;
	}
}
