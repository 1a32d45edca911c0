package org.diffusionij.pipelines;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.ImageIO;

/** A grayscale test image from src/test/resources/images as a row-major float plane. */
final class TestImage {

	final float[] plane;
	final int width;
	final int height;

	TestImage(float[] plane, int width, int height) {
		this.plane = plane;
		this.width = width;
		this.height = height;
	}

	/** Reads an 8-bit grayscale PNG from the test class path. */
	static TestImage load(String name) {
		try (InputStream in = TestImage.class.getResourceAsStream("/images/" + name)) {
			if (in == null) throw new IOException("no test image " + name);
			BufferedImage image = ImageIO.read(in);
			Raster raster = image.getRaster();
			int w = image.getWidth();
			int h = image.getHeight();
			float[] plane = new float[w * h];
			for (int y = 0; y < h; y++) {
				for (int x = 0; x < w; x++) plane[y * w + x] = raster.getSample(x, y, 0);
			}
			return new TestImage(plane, w, h);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** The {@code w x h} part of this image whose top left corner is at ({@code x}, {@code y}). */
	TestImage crop(int x, int y, int w, int h) {
		float[] out = new float[w * h];
		for (int r = 0; r < h; r++) System.arraycopy(plane, (y + r) * width + x, out, r * w, w);
		return new TestImage(out, w, h);
	}

	/** This image times a factor (for example 257 to turn 8-bit data into 16-bit data). */
	TestImage scaled(double factor) {
		float[] out = new float[plane.length];
		for (int i = 0; i < out.length; i++) out[i] = (float) (plane[i] * factor);
		return new TestImage(out, width, height);
	}

	/**
	 * This image plus white Gaussian noise of the given standard deviation, not clipped to the data range
	 * (clipping would change the noise, so σ would no longer be the truth).
	 */
	TestImage withNoise(double sigma, long seed) {
		Random random = new Random(seed);
		float[] out = new float[plane.length];
		for (int i = 0; i < out.length; i++) out[i] = (float) (plane[i] + sigma * random.nextGaussian());
		return new TestImage(out, width, height);
	}
}
