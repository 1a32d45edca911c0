package org.diffusionij.host;

import ij.IJ;
import ij.ImagePlus;
import java.io.File;
import java.util.Locale;
import org.diffusionij.pipelines.QualityMetrics;

/**
 * The PSNR of an input and its result against a clean reference image, for Denoise Image's {@code reference=}
 * key: users with a ground truth (a synthetic test, a long exposure) see at once what denoising gained. The
 * peak is the reference's type range (255 for 8-bit and RGB, 65535 for 16-bit) or, for 32-bit, its max − min;
 * all planes count together.
 */
final class ReferencePsnr {

	private final ImagePlus reference;

	private ReferencePsnr(ImagePlus reference) {
		this.reference = reference;
	}

	static ReferencePsnr of(String file) {
		ImagePlus r = IJ.openImage(new File(file).getPath());
		if (r == null) throw new IllegalArgumentException("reference=" + file + ": ImageJ cannot open this file.");
		return new ReferencePsnr(r);
	}

	/** One Log line: {@code PSNR against REF: input 20.17 dB, result 29.85 dB}. */
	String line(ImagePlus input, ImagePlus result) {
		float[] ref = flat(reference);
		float[] in = flat(input);
		float[] out = flat(result);
		if (ref.length != in.length || ref.length != out.length) {
			throw new IllegalArgumentException("reference=" + reference.getTitle() + " has " + ref.length +
				" values, the image " + in.length + "; the reference must have the image's size, channels and planes.");
		}
		double range = range(reference, ref);
		return String.format(Locale.ROOT, "PSNR against %s: input %.2f dB, result %.2f dB", reference.getTitle(),
			QualityMetrics.psnr(ref, in, range), QualityMetrics.psnr(ref, out, range));
	}

	private static double range(ImagePlus image, float[] values) {
		switch (image.getBitDepth()) {
			case 8:
			case 24:
				return 255;
			case 16:
				return 65535;
			default:
				float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
				for (float v : values) {
					min = Math.min(min, v);
					max = Math.max(max, v);
				}
				return max > min ? max - min : 1;
		}
	}

	private static float[] flat(ImagePlus image) {
		float[][] planes = ImageTensors.toPlanes(image);
		int size = image.getWidth() * image.getHeight();
		float[] all = new float[planes.length * size];
		for (int p = 0; p < planes.length; p++) System.arraycopy(planes[p], 0, all, p * size, size);
		return all;
	}
}
