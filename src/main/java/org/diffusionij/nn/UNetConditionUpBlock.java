package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * An up block of {@link UNet2DConditionModel}: a {@link UNetUpBlock} that also sees the encoder hidden states (the
 * text embedding) for cross-attention. Blocks without attention ignore them.
 */
interface UNetConditionUpBlock {

	/** As {@link UNetUpBlock#forward}, with {@code context} (N, S, cross_attention_dim). */
	NDArray forward(NDArray hidden, List<NDArray> resSamples, NDArray temb, NDArray context);

	/** A block without cross-attention, which ignores the context. */
	static UNetConditionUpBlock of(UNetUpBlock block) {
		return (hidden, resSamples, temb, context) -> block.forward(hidden, resSamples, temb);
	}
}
