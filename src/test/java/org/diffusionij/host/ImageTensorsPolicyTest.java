package org.diffusionij.host;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;
import org.diffusionij.engine.DiffusionEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bit-depth clipping, NaN refusal, titles, channel counts and the messages for inputs that cannot work. */
class ImageTensorsPolicyTest {

	private static final float[] OUT_OF_RANGE = { -3f, 0.4f, 0.5f, 254.6f, 300f, Float.NaN, 70000f, 12.5f };

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

	private static ImagePlus result(ImagePlus template, int channels, float[] values, OutputType type) {
		try (NDManager sub = manager.newSubManager()) {
			NDArray x = sub.create(values, new Shape(1, channels, template.getHeight(), template.getWidth()));
			return TestImages.fromTensor(x, template, "out", type);
		}
	}

	@Test
	void sameAsInputRoundsAndClips8Bit() {
		ImagePlus t = new ImagePlus("a.tif", new ByteProcessor(8, 1));
		ImagePlus out = result(t, 1, OUT_OF_RANGE, OutputType.SAME_AS_INPUT);
		assertEquals(8, out.getBitDepth());
		assertArrayEquals(new byte[] { 0, 0, 1, (byte) 255, (byte) 255, 0, (byte) 255, 13 },
			(byte[]) out.getProcessor().getPixels());
	}

	@Test
	void sameAsInputClips16Bit() {
		ImagePlus t = new ImagePlus("a.tif", new ShortProcessor(8, 1));
		short[] p = (short[]) result(t, 1, OUT_OF_RANGE, OutputType.SAME_AS_INPUT).getProcessor().getPixels();
		int[] values = new int[p.length];
		for (int i = 0; i < p.length; i++) values[i] = p[i] & 0xffff;
		assertArrayEquals(new int[] { 0, 0, 1, 255, 300, 0, 65535, 13 }, values);
	}

	@Test
	void float32KeepsWhatTheNetworkMade() {
		ImagePlus t = new ImagePlus("a.tif", new ByteProcessor(8, 1));
		ImagePlus out = result(t, 1, OUT_OF_RANGE, OutputType.FLOAT32);
		assertArrayEquals(OUT_OF_RANGE, (float[]) out.getProcessor().getPixels());
	}

	@Test
	void rgbSameAsInputClipsEachColour() {
		ImagePlus t = new ImagePlus("photo.jpg", new ColorProcessor(2, 1));
		float[] rgb = { -5f, 260f, 127.5f, 0.2f, 999f, 64.4f };
		ImagePlus out = result(t, 3, rgb, OutputType.SAME_AS_INPUT);
		assertEquals(24, out.getBitDepth());
		int[] p = (int[]) out.getProcessor().getPixels();
		assertEquals(0 << 16 | 128 << 8 | 255, p[0] & 0xffffff);
		assertEquals(255 << 16 | 0 << 8 | 64, p[1] & 0xffffff);
		assertEquals("photo-out", out.getTitle());
	}

	@Test
	void otherChannelCountsBecomeTheResultChannels() {
		ImagePlus t = new ImagePlus("a.tif", new ShortProcessor(4, 1));
		float[] two = { 1, 2, 3, 4, 5, 6, 7, 8 };
		ImagePlus out = result(t, 2, two, OutputType.SAME_AS_INPUT);
		assertEquals(2, out.getNChannels());
		assertEquals(16, out.getBitDepth());
		assertEquals(7f, out.getStack().getProcessor(2).getf(2));
		ImagePlus rgb = new ImagePlus("c.png", new ColorProcessor(4, 1));
		assertEquals(8, result(rgb, 1, new float[] { 1, 2, 3, 4 }, OutputType.SAME_AS_INPUT).getBitDepth());
	}

	@Test
	void nanAndInfinityAreRefusedWithPlaneAndCount() {
		ImagePlus imp = TestImages.hyperstack(32, 4, 4, 1, 3, 1);
		imp.getStack().getProcessor(2).setf(1, 1, Float.NaN);
		imp.getStack().getProcessor(2).setf(2, 1, Float.POSITIVE_INFINITY);
		imp.getStack().getProcessor(3).setf(0, 0, Float.NEGATIVE_INFINITY);
		long before = TestImages.checksum(imp);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> ImageTensors.toTensor(imp, manager));
		assertTrue(e.getMessage().contains("has 3 NaN or infinite pixel(s), 2 of them in channel 1, slice 2, frame 1"),
			e.getMessage());
		assertTrue(e.getMessage().contains("Remove NaNs"), e.getMessage());
		assertThrows(IllegalArgumentException.class, () -> ImageTensors.toPlanes(imp));
		assertEquals(before, TestImages.checksum(imp));
	}

	@Test
	void rgbHyperstackWithChannelsIsRefused() {
		ij.ImageStack stack = new ij.ImageStack(3, 3);
		for (int i = 0; i < 4; i++) stack.addSlice(new ColorProcessor(3, 3));
		ImagePlus imp = new ImagePlus("rgbhyper", stack);
		imp.setDimensions(2, 2, 1);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageTensors.shape(imp));
		assertTrue(e.getMessage().contains("RGB hyperstack with 2 channels"), e.getMessage());
	}

	@Test
	void resultOfTheWrongSizeIsRefused() {
		ImagePlus t = new ImagePlus("a.tif", new FloatProcessor(4, 3));
		try (NDManager sub = manager.newSubManager()) {
			NDArray wrong = sub.zeros(new Shape(1, 1, 4, 4));
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> TestImages.fromTensor(wrong, t, "x", OutputType.FLOAT32));
			assertTrue(e.getMessage().contains("does not fit image 'a.tif'"), e.getMessage());
			assertThrows(IllegalArgumentException.class,
				() -> TestImages.fromTensor(sub.zeros(new Shape(3, 4)), t, "x", OutputType.FLOAT32));
		}
	}

	@Test
	void titleStems() {
		assertEquals("blobs-denoised", ResultImage.outputTitle("blobs.tif", "denoised"));
		assertEquals("cells-denoised", ResultImage.outputTitle("cells.ome.tiff", "denoised"));
		assertEquals("my.data.v2-x", ResultImage.outputTitle("my.data.v2", "x"));
		assertEquals("Untitled-x", ResultImage.outputTitle("Untitled", "x"));
		assertEquals("blobs", ResultImage.outputTitle("blobs.gif", ""));
	}
}
