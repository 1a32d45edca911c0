package org.diffusionij.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Where a computation gets its standard normal noise: the start of a generation, a stochastic scheduler step
 * (DDPM's variance, DDIM with eta &gt; 0), the training noise. Callers pass one in, as diffusers passes
 * {@code generator=}: a {@link Generator} seeded like {@code torch.Generator().manual_seed(seed)}, or recorded
 * noise in tests.
 */
@FunctionalInterface
public interface NoiseSource {

	/** Standard normal float32 noise of {@code shape}, attached to {@code manager}. */
	NDArray randn(NDManager manager, Shape shape);
}
