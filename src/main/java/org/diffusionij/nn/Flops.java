package org.diffusionij.nn;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the floating-point operations of the matrix products (convolutions, linear layers, attention
 * products) that the network parts run, so a benchmark can report achieved GFLOP/s. A multiply-add counts as
 * two operations; element-wise work is not counted. Counting is one atomic add per product.
 */
public final class Flops {

	private static final AtomicLong COUNT = new AtomicLong();

	private Flops() {}

	static void add(long flops) {
		COUNT.addAndGet(flops);
	}

	/** Operations counted since the last {@link #reset}. */
	public static long count() {
		return COUNT.get();
	}

	public static void reset() {
		COUNT.set(0);
	}
}
