package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A down block of {@link UNet2DConditionModel}: a {@link UNetDownBlock} that also sees the encoder hidden states
 * (the text embedding) for cross-attention. Blocks without attention ignore them.
 */
interface UNetConditionDownBlock {

	/** As {@link UNetDownBlock#forward}, with {@code context} (N, S, cross_attention_dim). */
	NDArray forward(NDArray hidden, NDArray temb, NDArray context, List<NDArray> outputStates);

	/** A block without cross-attention, which ignores the context. */
	static UNetConditionDownBlock of(UNetDownBlock block) {
		return (hidden, temb, context, outputStates) -> block.forward(hidden, temb, outputStates);
	}
}
