package org.diffusionij.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.junit.jupiter.api.Test;

/** Products are counted between start and stop only, two operations per multiply-add. */
class FlopsTest {

	@Test
	void countsOnlyWhileStarted() {
		DiffusionEngine.start();
		ParameterStore store = new ParameterStore();
		Linear linear = new Linear(store, "l", 4, 3);
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			store.initialize(m, Generator.manualSeed(1));
			assertFalse(Flops.enabled, "off unless a benchmark starts it");
			Flops.start();
			linear.forward(m.ones(new Shape(5, 4)));
			assertEquals(2L * 5 * 4 * 3, Flops.stop());
			linear.forward(m.ones(new Shape(5, 4)));
			assertEquals(2L * 5 * 4 * 3, Flops.stop(), "nothing is counted while stopped");
			Flops.start();
			assertEquals(0, Flops.stop(), "start counts from zero");
		}
	}
}
