package org.diffusionij.host;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class FreeMemoryTest {

	@Test
	void readsNvidiaSmisFreeMemoryAndIgnoresWhatItCannotRead() {
		assertEquals(81_000L << 20, FreeMemory.parseMiB("81000\n"));
		assertEquals(512L << 20, FreeMemory.parseMiB("512\n79000\n"), "the first GPU's line");
		assertEquals(Long.MAX_VALUE, FreeMemory.parseMiB("[N/A]"));
		assertEquals(Long.MAX_VALUE, FreeMemory.parseMiB(""));
	}

	@Test
	void theSystemSaysHowMuchMemoryIsFree() {
		long free = FreeMemory.available();
		assertTrue(free > 0);
		assertTrue(FreeMemory.gpuAvailable(0) > 0, "a figure, or no limit where nvidia-smi is missing");
	}
}
