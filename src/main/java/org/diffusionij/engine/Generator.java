package org.diffusionij.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * A seeded stream of random numbers, the counterpart of diffusers' {@code torch.Generator().manual_seed(seed)}:
 * the same seed and the same sequence of draws give the same numbers as diffusers' CPU generator, bit for bit.
 * This is the one place that seeds libtorch's generator.
 * <p>
 * libtorch has one generator per process, which {@link #manualSeed} reseeds. A draw from a generator after a
 * newer one has reseeded it would silently give other numbers, so it is refused: run seeded computations one
 * after the other, and make a generator where the computation starts.
 */
public final class Generator implements NoiseSource {

	private static final Object LOCK = new Object();
	private static Generator current;

	private final long seed;

	private Generator(long seed) {
		this.seed = seed;
	}

	/** A generator seeded with {@code seed} (libtorch takes the low 32 bits, as diffusers' callers pass them). */
	public static Generator manualSeed(long seed) {
		synchronized (LOCK) {
			Engine.getInstance().setRandomSeed((int) seed);
			current = new Generator(seed);
			return current;
		}
	}

	public long seed() {
		return seed;
	}

	/**
	 * Standard normal noise drawn on the CPU ({@code torch.randn} with a CPU generator) and moved to the
	 * manager's device, so a seed gives the same numbers on CPU and GPU.
	 */
	@Override
	public NDArray randn(NDManager manager, Shape shape) {
		synchronized (LOCK) {
			checkCurrent();
			if (!manager.getDevice().isGpu()) return manager.randomNormal(0f, 1f, shape, DataType.FLOAT32);
			try (NDManager cpu = NDManager.newBaseManager(Device.cpu())) {
				NDArray moved = cpu.randomNormal(0f, 1f, shape, DataType.FLOAT32).toDevice(manager.getDevice(), false);
				moved.attach(manager);
				return moved;
			}
		}
	}

	/** Uniform noise in [low, high) on the manager's device ({@code torch.rand}, as PyTorch's layer init). */
	public NDArray uniform(NDManager manager, float low, float high, Shape shape) {
		synchronized (LOCK) {
			checkCurrent();
			return manager.randomUniform(low, high, shape);
		}
	}

	private void checkCurrent() {
		if (current != this) {
			throw new IllegalStateException("The random generator seeded with " + seed + " was reseeded by another " +
				"computation before it finished; run seeded computations one after the other.");
		}
	}
}
