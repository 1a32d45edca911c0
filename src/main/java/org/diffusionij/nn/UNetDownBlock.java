package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** A down block of a UNet: resnets (and attentions), then an optional downsampler. */
public interface UNetDownBlock {

	/**
	 * Runs the block and appends each output state (after every resnet/attention pair and after the downsampler)
	 * to {@code outputStates}, which the up blocks consume as skip connections.
	 */
	NDArray forward(NDArray hidden, NDArray temb, List<NDArray> outputStates);
}
