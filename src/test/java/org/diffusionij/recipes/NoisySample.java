package org.diffusionij.recipes;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ImageProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;

/**
 * Makes the bundled sample of Denoise Image: the central 256 x 256 of {@code data/eval-gray/skimage_camera.png}
 * ({@code samples/camera-clean.png}) and the same with white Gaussian noise of σ = {@value #SIGMA} from
 * {@code java.util.Random} seeded {@value #SEED}, rounded and clipped to 8 bits as a camera would store it
 * ({@code samples/camera-noisy.png}). Run from the repository root:
 * <pre>
 * java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" org.diffusionij.recipes.NoisySample
 * </pre>
 */
public final class NoisySample {

	static final double SIGMA = 25;
	static final long SEED = 25;
	static final int SIZE = 256;

	private NoisySample() {}

	public static void main(String[] args) throws Exception {
		ImagePlus source = IJ.openImage("data/eval-gray/skimage_camera.png");
		ImageProcessor ip = source.getProcessor();
		ip.setRoi((source.getWidth() - SIZE) / 2, (source.getHeight() - SIZE) / 2, SIZE, SIZE);
		ImageProcessor clean = ip.crop();
		ImageProcessor noisy = clean.duplicate();
		Random random = new Random(SEED);
		for (int i = 0; i < noisy.getPixelCount(); i++) {
			noisy.set(i, (int) Math.max(0, Math.min(255, Math.round(clean.get(i) + SIGMA * random.nextGaussian()))));
		}
		Path out = Files.createDirectories(Paths.get("samples"));
		new FileSaver(new ImagePlus("camera-clean", clean)).saveAsPng(out.resolve("camera-clean.png").toString());
		new FileSaver(new ImagePlus("camera-noisy", noisy)).saveAsPng(out.resolve("camera-noisy.png").toString());
	}
}
