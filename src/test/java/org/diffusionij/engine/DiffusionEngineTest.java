package org.diffusionij.engine;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

class DiffusionEngineTest {

	@Test
	void startsOfflineOnCpu() {
		Engine e = DiffusionEngine.start();
		assertEquals("PyTorch", e.getEngineName());
		assertTrue(Boolean.getBoolean("ai.djl.offline"), "natives jar on the class path means offline");
		assertEquals(Device.cpu(), DiffusionEngine.device("cpu"));
		String info = DiffusionEngine.info();
		assertTrue(info.contains("oneDNN guard"), info);
		assertEquals("PASSIVE", NativeEnv.get("OMP_WAIT_POLICY"));
	}

	@Test
	void gpuAskedButAbsentGivesClearMessage() {
		DiffusionEngine.start();
		if (Engine.getEngine("PyTorch").getGpuCount() > 0) return;
		EngineException ex = assertThrows(EngineException.class, () -> DiffusionEngine.device("gpu:1"));
		assertTrue(ex.getMessage().contains("device=cpu"), ex.getMessage());
		assertThrows(EngineException.class, () -> DiffusionEngine.device("tpu"));
		assertEquals(Device.cpu(), DiffusionEngine.device("auto"));
	}
}
