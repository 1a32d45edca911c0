package org.diffusionij.recipes;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Random;

/**
 * Writes the side-by-side benchmark's images: {@code clean-N.tif} (8-bit), a mosaic of the evaluation images
 * ({@code data/eval-gray}, each scaled to N/2 x N/2 with bilinear interpolation), and {@code noisy-N.tif} (32-bit),
 * that mosaic with white Gaussian noise of σ = 25 grey levels, unclipped, {@code java.util.Random} seeded 1234.
 * <pre>
 * java -cp ... org.diffusionij.recipes.BenchImages OUT_FOLDER N [N ...]
 * </pre>
 */
public final class BenchImages {

	private BenchImages() {}

	public static void main(String[] args) throws Exception {
		Path out = Paths.get(args[0]);
		List<GrayImages.Gray> images = GrayImages.read(Paths.get("data/eval-gray"));
		for (int a = 1; a < args.length; a++) {
			int n = Integer.parseInt(args[a]);
			int half = n / 2;
			ByteProcessor clean = new ByteProcessor(n, n);
			for (int q = 0; q < 4; q++) {
				GrayImages.Gray g = images.get(q % images.size());
				FloatProcessor fp = new FloatProcessor(g.width, g.height, g.pixels.clone());
				fp.setInterpolationMethod(ImageProcessor.BILINEAR);
				ImageProcessor part = fp.resize(half, half).convertToByte(false);
				clean.insert(part, (q % 2) * half, (q / 2) * half);
			}
			Random random = new Random(1234);
			float[] noisy = new float[n * n];
			for (int i = 0; i < noisy.length; i++) noisy[i] = (clean.get(i) & 0xff) + (float) (25 * random.nextGaussian());
			IJ.saveAsTiff(new ImagePlus("clean-" + n, clean), out.resolve("clean-" + n + ".tif").toString());
			IJ.saveAsTiff(new ImagePlus("noisy-" + n, new FloatProcessor(n, n, noisy)), out.resolve("noisy-" + n + ".tif")
				.toString());
		}
	}
}
