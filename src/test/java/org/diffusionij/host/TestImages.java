package org.diffusionij.host;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ImageProcessor;
import java.net.URISyntaxException;
import java.nio.file.Paths;
import java.util.zip.CRC32;
import org.diffusionij.pipelines.Floats;

/**
 * Real test images from the class path, synthetic hyperstacks, result images straight from NCHW tensors, and a
 * checksum of every pixel and setting.
 */
final class TestImages {

	private TestImages() {}

	/** {@code images/NAME} from the test resources, opened by ImageJ. */
	static ImagePlus open(String name) {
		try {
			String path = Paths.get(TestImages.class.getResource("/images/" + name).toURI()).toString();
			ImagePlus imp = IJ.openImage(path);
			if (imp == null) throw new IllegalStateException("ImageJ could not open " + path);
			return imp;
		}
		catch (URISyntaxException e) {
			throw new IllegalStateException(e);
		}
	}

	/**
	 * A hyperstack of {@code bitDepth} (8, 16 or 32) whose pixel (x, y) in channel c, slice z, frame t (0-based)
	 * holds {@code 1000*t + 100*z + 10*c + (x + y) % 10} (mod 256 for 8-bit), so every plane is recognisable.
	 */
	static ImagePlus hyperstack(int bitDepth, int w, int h, int c, int z, int t) {
		ImageStack stack = ImageStack.create(w, h, c * z * t, bitDepth);
		for (int ti = 0; ti < t; ti++) {
			for (int zi = 0; zi < z; zi++) {
				for (int ci = 0; ci < c; ci++) {
					int index = ti * z * c + zi * c + ci + 1;
					ImageProcessor ip = stack.getProcessor(index);
					for (int y = 0; y < h; y++) {
						for (int x = 0; x < w; x++) ip.setf(x, y, value(bitDepth, ci, zi, ti, x, y));
					}
					stack.setSliceLabel("c" + ci + "z" + zi + "t" + ti, index);
				}
			}
		}
		ImagePlus imp = new ImagePlus("hyper.tif", stack);
		imp.setDimensions(c, z, t);
		imp.setOpenAsHyperStack(true);
		return imp;
	}

	/**
	 * A result image from an NCHW tensor with {@code template}'s Z/T layout, height and width, built as the
	 * commands build theirs from planes ({@link ResultImage}).
	 */
	static ImagePlus fromTensor(NDArray nchw, ImagePlus template, String suffix, OutputType type) {
		Shape s = nchw.getShape();
		if (s.dimension() != 4) {
			throw new IllegalArgumentException("A result tensor must be NCHW (4 dimensions); got " + s + ".");
		}
		float[] data = Floats.of(nchw);
		int size = Math.toIntExact(s.get(2) * s.get(3));
		PlaneWriter.Planes planes = new PlaneWriter.Planes() {
			@Override
			public float[] array(int p) {
				return data;
			}

			@Override
			public int offset(int p) {
				return p * size;
			}
		};
		return ResultImage.build(planes, (int) s.get(0), (int) s.get(1), (int) s.get(2), (int) s.get(3), template,
			suffix, type);
	}

	static float value(int bitDepth, int c, int z, int t, int x, int y) {
		int v = 1000 * t + 100 * z + 10 * c + (x + y) % 10;
		return bitDepth == 8 ? v % 256 : v;
	}

	/** A checksum of all pixel data, the title, dimensions, display range and calibration. */
	static long checksum(ImagePlus imp) {
		CRC32 crc = new CRC32();
		ImageStack stack = imp.getStack();
		for (int s = 1; s <= stack.size(); s++) {
			ImageProcessor ip = stack.getProcessor(s);
			for (int i = 0; i < ip.getPixelCount(); i++) {
				int bits = imp.getBitDepth() == 32 ? Float.floatToRawIntBits(ip.getf(i)) : ip.get(i);
				crc.update(bits);
				crc.update(bits >>> 8);
				crc.update(bits >>> 16);
				crc.update(bits >>> 24);
			}
		}
		String settings = imp.getTitle() + imp.getBitDepth() + java.util.Arrays.toString(imp.getDimensions()) +
			imp.getDisplayRangeMin() + "," + imp.getDisplayRangeMax() + imp.getCalibration();
		crc.update(settings.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		return crc.getValue();
	}
}
