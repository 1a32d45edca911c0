package org.diffusionij.pipelines;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ClassicalDenoisersTest {

	@Test
	void reflectMirrorsWithTheEdgeRepeated() {
		int[] expected = { 1, 0, 0, 1, 2, 3, 3, 2, 1, 0, 0 };
		for (int i = -2; i <= 8; i++) assertEquals(expected[i + 2], ClassicalDenoisers.reflect(i, 4), "index " + i);
	}

	@Test
	void blurOfAnImpulseIsTheNormalisedGaussian() {
		int w = 21;
		float[] impulse = new float[w * w];
		impulse[10 * w + 10] = 1;
		float[] out = ClassicalDenoisers.gaussianBlur(impulse, w, w, 1.5);
		double sum = 0;
		for (float v : out) sum += v;
		assertEquals(1, sum, 1e-6);
		// the kernel is separable: out(x, y) = g(x) g(y), so out(1, 0) / out(0, 0) = exp(-1 / (2 * 1.5^2))
		assertEquals(Math.exp(-0.5 / 2.25), out[10 * w + 11] / out[10 * w + 10], 1e-6);
		assertEquals(out[10 * w + 11], out[11 * w + 10], 1e-7);
		assertEquals(out[9 * w + 10], out[11 * w + 10], 1e-7);
	}

	@Test
	void blurKeepsConstantsAndRampsAtTheBorders() {
		int w = 9;
		int h = 7;
		float[] constant = new float[w * h];
		java.util.Arrays.fill(constant, 42);
		assertArrayEquals(constant, ClassicalDenoisers.gaussianBlur(constant, w, h, 2), 1e-4f);
		float[] ramp = new float[w * h];
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) ramp[y * w + x] = x;
		}
		float[] out = ClassicalDenoisers.gaussianBlur(ramp, w, h, 1);
		// a linear ramp stays linear in the interior (the kernel is symmetric)
		assertEquals(4, out[3 * w + 4], 1e-5);
		assertArrayEquals(ramp, ClassicalDenoisers.gaussianBlur(ramp, w, h, 0));
	}

	@Test
	void blurReducesNoiseOnARealImage() {
		TestImage camera = TestImage.load("skimage_camera.png");
		TestImage noisy = camera.withNoise(25, 8);
		float[] blurred = ClassicalDenoisers.gaussianBlur(noisy.plane, noisy.width, noisy.height, 1);
		double before = QualityMetrics.psnr(camera.plane, noisy.plane, 255);
		double after = QualityMetrics.psnr(camera.plane, blurred, 255);
		assertTrue(after > before + 3, before + " -> " + after);
	}

	@Test
	void medianRemovesImpulsesAndKeepsEdges() {
		int w = 8;
		int h = 6;
		float[] step = new float[w * h];
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) step[y * w + x] = x < 4 ? 10 : 200;
		}
		float[] spiky = step.clone();
		spiky[2 * w + 1] = 255;
		spiky[3 * w + 6] = 0;
		assertArrayEquals(step, ClassicalDenoisers.median3x3(spiky, w, h));
	}

	@Test
	void medianOfAKnownNeighbourhood() {
		float[] plane = { 9, 1, 8, 2, 7, 3, 6, 4, 5 };
		float[] out = ClassicalDenoisers.median3x3(plane, 3, 3);
		assertEquals(5, out[4]);
		// corner (0, 0) sees rows 0,0,1 and columns 0,0,1: 9 9 1, 9 9 1, 2 2 7 -> median 7
		assertEquals(7, out[0]);
	}
}
