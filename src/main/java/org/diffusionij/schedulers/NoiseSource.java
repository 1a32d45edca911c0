package org.diffusionij.schedulers;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Where a stochastic step (DDPM's variance, DDIM with eta &gt; 0) gets its standard normal noise. A scheduler
 * asks for noise exactly where diffusers calls {@code randn_tensor}, so {@link #ENGINE} — the engine's global
 * generator, which after {@code Engine.getInstance().setRandomSeed(seed)} yields the same numbers as
 * {@code torch.Generator().manual_seed(seed)} — reproduces diffusers' results for the same seed. Tests and
 * callers holding recorded noise supply it instead.
 */
@FunctionalInterface
public interface NoiseSource {

	/** Standard normal float32 noise of {@code shape}, attached to {@code manager}. */
	NDArray randn(NDManager manager, Shape shape);

	/**
	 * Draws from the engine's CPU generator ({@code torch.randn} with a CPU generator) and moves the noise to the
	 * manager's device, so a seed gives the same numbers on CPU and GPU (and diffusers' CPU-generator runs).
	 */
	NoiseSource ENGINE = (manager, shape) -> {
		if (manager.getDevice().isGpu()) {
			try (NDManager cpu = NDManager.newBaseManager(Device.cpu())) {
				NDArray onCpu = cpu.randomNormal(0f, 1f, shape, DataType.FLOAT32);
				NDArray moved = onCpu.toDevice(manager.getDevice(), false);
				moved.attach(manager);
				return moved;
			}
		}
		return manager.randomNormal(0f, 1f, shape, DataType.FLOAT32);
	};
}
