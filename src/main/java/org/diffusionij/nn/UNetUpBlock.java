package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** An up block of a UNet: each resnet concatenates one skip connection, then an optional upsampler. */
public interface UNetUpBlock {

	/**
	 * Runs the block, taking its skip connections from the end of {@code resSamples} (last in, first used) and
	 * removing them from the list.
	 */
	NDArray forward(NDArray hidden, List<NDArray> resSamples, NDArray temb);
}
