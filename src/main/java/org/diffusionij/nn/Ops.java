package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Small tensor helpers shared by the network parts. DJL puts an op's result in its first operand's manager,
 * so anything computed from a parameter alone (a reshaped view of a weight) is moved into the caller's scope;
 * otherwise it would accumulate in the parameters' manager on every forward pass.
 */
final class Ops {

	private Ops() {}

	/** SiLU (swish with beta 1), diffusers' {@code act_fn="silu"}. */
	static NDArray silu(NDArray x) {
		return x.mul(x.getNDArrayInternal().sigmoid());
	}

	/** Moves {@code a} into {@code scope} and returns it. */
	static NDArray in(NDManager scope, NDArray a) {
		a.attach(scope);
		return a;
	}
}
