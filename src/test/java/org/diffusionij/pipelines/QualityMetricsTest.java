package org.diffusionij.pipelines;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class QualityMetricsTest {

	@Test
	void identicalImagesAreInfinitePsnrAndSsimOne() {
		TestImage camera = TestImage.load("skimage_camera.png");
		assertEquals(Double.POSITIVE_INFINITY, QualityMetrics.psnr(camera.plane, camera.plane, 255));
		assertEquals(1.0, QualityMetrics.ssim(camera.plane, camera.plane, camera.width, camera.height, 255), 1e-12);
	}

	@Test
	void constantOffsetGivesTheHandComputedPsnr() {
		float[] a = new float[64];
		float[] b = new float[64];
		for (int i = 0; i < a.length; i++) {
			a[i] = i;
			b[i] = i + 5;
		}
		// MSE = 25, so PSNR = 10 log10(255^2 / 25) = 20 log10(51)
		assertEquals(20 * Math.log10(51), QualityMetrics.psnr(a, b, 255), 1e-12);
		assertEquals(20 * Math.log10(1.0 / 5), QualityMetrics.psnr(a, b, 1), 1e-12);
	}

	@Test
	void gaussianNoisePsnrMatchesItsSigma() {
		TestImage camera = TestImage.load("skimage_camera.png");
		TestImage noisy = camera.withNoise(25, 11);
		// MSE is about 25^2: PSNR about 20 log10(255/25) = 20.17 dB
		assertEquals(20 * Math.log10(255.0 / 25), QualityMetrics.psnr(camera.plane, noisy.plane, 255), 0.05);
	}

	@Test
	void ssimOfConstantPlanesIsTheLuminanceTerm() {
		// flat planes a and a + d: no variance, so SSIM = (2 a (a + d) + C1) / (a^2 + (a + d)^2 + C1)
		int w = 16;
		int h = 12;
		float[] a = new float[w * h];
		float[] b = new float[w * h];
		java.util.Arrays.fill(a, 100);
		java.util.Arrays.fill(b, 130);
		double c1 = Math.pow(0.01 * 255, 2);
		double expected = (2 * 100 * 130 + c1) / (100 * 100 + 130 * 130 + c1);
		assertEquals(expected, QualityMetrics.ssim(a, b, w, h, 255), 1e-12);
	}

	@Test
	void ssimFallsWithNoiseIsSymmetricAndScaleInvariant() {
		TestImage camera = TestImage.load("skimage_camera.png");
		int w = camera.width;
		int h = camera.height;
		double mild = QualityMetrics.ssim(camera.plane, camera.withNoise(10, 1).plane, w, h, 255);
		float[] strong = camera.withNoise(40, 2).plane;
		double heavy = QualityMetrics.ssim(camera.plane, strong, w, h, 255);
		assertTrue(mild < 1 && heavy < mild && heavy > 0, mild + " " + heavy);
		assertEquals(heavy, QualityMetrics.ssim(strong, camera.plane, w, h, 255), 1e-12);
		TestImage camera16 = camera.scaled(257);
		float[] strong16 = new TestImage(strong, w, h).scaled(257).plane;
		assertEquals(heavy, QualityMetrics.ssim(camera16.plane, strong16, w, h, 65535), 1e-9);
	}

	@Test
	void ssimOfAContrastDoublingIsTheHandComputedProduct() {
		// y = 2 x, with C1 and C2 negligible (data range 1e-3): the luminance term is 2 u 2u / (u^2 + 4 u^2) = 0.8
		// and the contrast-structure term 2 (2 v) / (v + 4 v) = 0.8 in every window, so SSIM = 0.64
		TestImage camera = TestImage.load("skimage_camera.png");
		float[] x = new float[camera.plane.length];
		float[] y = new float[x.length];
		for (int i = 0; i < x.length; i++) {
			x[i] = camera.plane[i] - 128;
			y[i] = 2 * x[i];
		}
		double ssim = QualityMetrics.ssim(x, y, camera.width, camera.height, 1e-3);
		assertEquals(0.64, ssim, 1e-6);
	}
}
