package org.diffusionij.host;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import java.util.Random;
import org.diffusionij.engine.DiffusionEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Images into tensors and back, for every pixel type, stacks and hyperstacks, keeping the input intact. */
class ImageTensorsRoundTripTest {

	private static NDManager manager;

	@BeforeAll
	static void start() {
		DiffusionEngine.start();
		manager = NDManager.newBaseManager(Device.cpu());
	}

	@AfterAll
	static void stop() {
		manager.close();
	}

	/** Tensor and back as {@code type}; asserts the input is unchanged and the pixels equal the input's. */
	private static ImagePlus roundTrip(ImagePlus imp, OutputType type) {
		long before = TestImages.checksum(imp);
		try (NDManager sub = manager.newSubManager()) {
			NDArray x = ImageTensors.toTensor(imp, sub);
			assertEquals(ImageTensors.shape(imp), x.getShape());
			ImagePlus out = TestImages.fromTensor(x, imp, "denoised", type);
			assertEquals(before, TestImages.checksum(imp), "the input image was modified");
			assertNotSame(imp, out);
			if (imp.getBitDepth() != 24 || type == OutputType.SAME_AS_INPUT) {
				assertArrayEquals(imp.getDimensions(), out.getDimensions());
			}
			return out;
		}
	}

	private static void assertSamePixels(ImagePlus expected, ImagePlus actual) {
		assertEquals(expected.getStackSize(), actual.getStackSize());
		for (int s = 1; s <= expected.getStackSize(); s++) {
			ImageProcessor e = expected.getStack().getProcessor(s);
			ImageProcessor a = actual.getStack().getProcessor(s);
			for (int i = 0; i < e.getPixelCount(); i++) {
				if (expected.getBitDepth() == 24) assertEquals(e.get(i) & 0xffffff, a.get(i) & 0xffffff, "rgb " + i);
				else assertEquals(e.getf(i), a.getf(i), 0f, "slice " + s + " pixel " + i);
			}
		}
	}

	/** The colour at the top of channel {@code c}'s LUT. */
	private static java.awt.Color top(ImagePlus imp, int c) {
		return new java.awt.Color(((CompositeImage) imp).getChannelLut(c).getRGB(255));
	}

	@Test
	void realGray8ImageBothWays() {
		ImagePlus blobs = TestImages.open("ib_blobs.png");
		assertEquals(8, blobs.getBitDepth());
		ImagePlus same = roundTrip(blobs, OutputType.SAME_AS_INPUT);
		assertEquals(8, same.getBitDepth());
		assertSamePixels(blobs, same);
		ImagePlus f = roundTrip(blobs, OutputType.FLOAT32);
		assertEquals(32, f.getBitDepth());
		assertSamePixels(blobs, f);
		assertEquals("ib_blobs-denoised", f.getTitle());
		assertEquals(blobs.getDisplayRangeMax(), f.getDisplayRangeMax());
	}

	@Test
	void gray16FullRange() {
		ImagePlus imp = TestImages.hyperstack(16, 7, 5, 1, 1, 1);
		imp.getProcessor().set(0, 0, 65535);
		assertSamePixels(imp, roundTrip(imp, OutputType.SAME_AS_INPUT));
		assertEquals(65535f, ImageTensors.toPlanes(imp)[0][0]);
	}

	@Test
	void gray32KeepsEveryBit() {
		Random r = new Random(3);
		float[] pixels = new float[31 * 17];
		for (int i = 0; i < pixels.length; i++) pixels[i] = (float) (r.nextGaussian() * 1e6);
		pixels[5] = Float.MIN_VALUE;
		pixels[6] = -Float.MAX_VALUE;
		ImagePlus imp = new ImagePlus("noise", new FloatProcessor(31, 17, pixels));
		for (OutputType t : OutputType.values()) assertSamePixels(imp, roundTrip(imp, t));
	}

	@Test
	void realRgbImage() {
		ImagePlus clown = TestImages.open("ib_clown.png");
		assertEquals(24, clown.getBitDepth());
		int[] rgb = (int[]) clown.getProcessor().getPixels();
		try (NDManager sub = manager.newSubManager()) {
			NDArray x = ImageTensors.toTensor(clown, sub);
			assertEquals(new Shape(1, 3, 200, 320), x.getShape());
			int i = 123 * 320 + 45;
			float[] px = x.get(new NDIndex("0, :, 123, 45")).toFloatArray();
			assertArrayEquals(new float[] { rgb[i] >> 16 & 255, rgb[i] >> 8 & 255, rgb[i] & 255 }, px);
		}
		ImagePlus same = roundTrip(clown, OutputType.SAME_AS_INPUT);
		assertEquals(24, same.getBitDepth());
		assertArrayEquals(rgb, (int[]) same.getProcessor().getPixels());
		ImagePlus f = roundTrip(clown, OutputType.FLOAT32);
		assertEquals(32, f.getBitDepth());
		assertTrue(f.isComposite());
		assertEquals(3, f.getNChannels());
		assertEquals(java.awt.Color.red, top(f, 1));
		assertEquals(rgb[77] & 255, f.getStack().getProcessor(3).getf(77), 0f);
	}

	@Test
	void stackItemsInOrder() {
		ImagePlus imp = TestImages.hyperstack(8, 9, 4, 1, 5, 1);
		assertEquals(new Shape(5, 1, 4, 9), ImageTensors.shape(imp));
		float[][] planes = ImageTensors.toPlanes(imp);
		for (int z = 0; z < 5; z++) assertEquals(TestImages.value(8, 0, z, 0, 2, 1), planes[z][9 + 2]);
		assertSamePixels(imp, roundTrip(imp, OutputType.SAME_AS_INPUT));
	}

	@Test
	void hyperstackWithCalibrationLutsAndLabels() {
		ImagePlus hyper = TestImages.hyperstack(16, 6, 5, 2, 3, 2);
		Calibration cal = hyper.getCalibration();
		cal.pixelWidth = 0.25;
		cal.pixelHeight = 0.5;
		cal.pixelDepth = 2;
		cal.setUnit("um");
		cal.frameInterval = 30;
		CompositeImage imp = new CompositeImage(hyper, CompositeImage.COMPOSITE);
		imp.setTitle("cells.tif");
		imp.setChannelLut(ij.process.LUT.createLutFromColor(java.awt.Color.magenta), 2);
		assertEquals(new Shape(6, 2, 5, 6), ImageTensors.shape(imp));
		try (NDManager sub = manager.newSubManager()) {
			NDArray x = ImageTensors.toTensor(imp, sub);
			for (int t = 0; t < 2; t++) {
				for (int z = 0; z < 3; z++) {
					for (int c = 0; c < 2; c++) {
						float v = x.getFloat(t * 3 + z, c, 4, 1);
						assertEquals(TestImages.value(16, c, z, t, 1, 4), v, 0f, "c" + c + " z" + z + " t" + t);
					}
				}
			}
		}
		for (OutputType type : OutputType.values()) {
			ImagePlus out = roundTrip(imp, type);
			assertSamePixels(imp, out);
			assertTrue(out.isHyperStack());
			assertTrue(out.isComposite());
			assertEquals(CompositeImage.COMPOSITE, out.getCompositeMode());
			assertEquals(java.awt.Color.magenta, top(out, 2));
			assertEquals("cells-denoised", out.getTitle());
			assertEquals("c1z2t1", out.getStack().getSliceLabel(out.getStackIndex(2, 3, 2)));
			Calibration oc = out.getCalibration();
			assertNotSame(cal, oc);
			assertEquals(0.25, oc.pixelWidth);
			assertEquals(0.5, oc.pixelHeight);
			assertEquals(2, oc.pixelDepth);
			assertEquals(imp.getCalibration().getUnit(), oc.getUnit());
			assertEquals(30, oc.frameInterval);
		}
	}

	@Test
	void planesAndTensorAgree() {
		ImagePlus imp = TestImages.hyperstack(32, 5, 3, 3, 2, 1);
		float[][] planes = ImageTensors.toPlanes(imp);
		try (NDManager sub = manager.newSubManager()) {
			float[] flat = ImageTensors.toTensor(imp, sub).toFloatArray();
			for (int p = 0; p < planes.length; p++) {
				for (int i = 0; i < 15; i++) assertEquals(flat[p * 15 + i], planes[p][i]);
			}
		}
		assertSamePixels(imp, ImageTensors.fromPlanes(planes, 3, imp, "x", OutputType.FLOAT32));
	}

	@Test
	void rgbStackKeepsSlices() {
		ImageStack stack = new ImageStack(4, 3);
		for (int s = 0; s < 3; s++) {
			ColorProcessor cp = new ColorProcessor(4, 3);
			cp.set(1, 1, (10 * s) << 16 | (20 * s) << 8 | 30 * s);
			stack.addSlice(cp);
		}
		ImagePlus imp = new ImagePlus("rgbstack", stack);
		assertEquals(new Shape(3, 3, 3, 4), ImageTensors.shape(imp));
		assertSamePixels(imp, roundTrip(imp, OutputType.SAME_AS_INPUT));
		assertEquals(40f, ImageTensors.toPlanes(imp)[2 * 3 + 1][4 + 1]);
	}
}
