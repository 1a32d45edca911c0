package org.diffusionij.nn;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the floating-point operations of the matrix products (convolutions, linear layers, attention
 * products) that the network parts run, so a benchmark can report achieved GFLOP/s. A multiply-add counts as
 * two operations; element-wise work is not counted. Counting is off unless a benchmark {@link #start starts}
 * it; then it is one atomic add per product, and otherwise the parts only read {@link #enabled}.
 */
public final class Flops {

	private static final AtomicLong COUNT = new AtomicLong();

	/** Whether the parts count their products; false outside {@link #start}..{@link #stop}. */
	static volatile boolean enabled;

	private Flops() {}

	/** Called by the parts where {@link #enabled}. */
	static void add(long flops) {
		COUNT.addAndGet(flops);
	}

	/** Starts counting from zero. */
	public static void start() {
		COUNT.set(0);
		enabled = true;
	}

	/** Stops counting and returns the operations counted since {@link #start}. */
	public static long stop() {
		enabled = false;
		return COUNT.get();
	}
}
