package org.diffusionij.host;

import static org.junit.jupiter.api.Assertions.*;

import ij.IJ;
import java.awt.event.KeyEvent;
import org.diffusionij.pipelines.CancelledException;
import org.diffusionij.pipelines.Progress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ImageJ 1's Esc cancels, and a new run forgets an Esc pressed before it (headless, no window). */
class IJProgressTest {

	@AfterEach
	void releaseEscape() {
		IJ.resetEscape();
	}

	@Test
	void escapeCancelsAndANewRunStartsClean() {
		IJ.setKeyDown(KeyEvent.VK_ESCAPE);
		assertTrue(IJ.escapePressed());
		Progress p = new IJProgress();
		assertFalse(p.isCancelled(), "an Esc from before the run must not cancel it");
		p.status("Denoising");
		p.step(1, 4);
		p.checkCancelled();
		IJ.setKeyDown(KeyEvent.VK_ESCAPE);
		assertTrue(p.isCancelled());
		assertThrows(CancelledException.class, p::checkCancelled);
		p.step(4, 4);
	}
}
