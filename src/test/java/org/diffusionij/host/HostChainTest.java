package org.diffusionij.host;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ij.ImagePlus;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.pipelines.Floats;
import org.diffusionij.pipelines.Normalization;
import org.diffusionij.pipelines.NormalizationRange;
import org.diffusionij.pipelines.Tiler;
import org.junit.jupiter.api.Test;

/**
 * The whole way a denoising command takes, with an identity network: a real photograph into a tensor,
 * percentile-normalised to the network's [-1, 1], tiled, and back to an image of the input's type; the pixels
 * must come back unchanged and the input untouched.
 */
class HostChainTest {

	@Test
	void realImageSurvivesTheChain() {
		DiffusionEngine.start();
		ImagePlus clown = TestImages.open("ib_clown.png");
		long before = TestImages.checksum(clown);
		try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
			NDArray x = ImageTensors.toTensor(clown, manager);
			NormalizationRange range = Normalization.percentile().fit(x);
			assertTrue(range.low() >= 0 && range.high() > 200 && range.high() < 255, range.toString());
			NDArray unit = Normalization.toUnit(range.apply(x));
			Shape s = unit.getShape();
			float[] tiled = new Tiler(64, 16, 16).run(Floats.of(unit), 1, (int) s.get(1), (int) s.get(2), (int) s.get(3),
				manager, t -> t.duplicate());
			NDArray y = manager.create(tiled, s);
			NDArray back = range.invert(Normalization.fromUnit(y));
			ImagePlus out = TestImages.fromTensor(back, clown, "denoised", OutputType.SAME_AS_INPUT);
			assertArrayEquals((int[]) clown.getProcessor().getPixels(), (int[]) out.getProcessor().getPixels());
			assertEquals("ib_clown-denoised", out.getTitle());
		}
		assertEquals(before, TestImages.checksum(clown));
	}
}
