package org.diffusionij.recipes;

import ai.djl.ndarray.NDManager;
import ij.IJ;
import ij.ImagePlus;
import ij.process.FloatProcessor;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.pipelines.DenoiseSettings;
import org.diffusionij.pipelines.Denoiser;
import org.diffusionij.pipelines.Progress;
import org.diffusionij.pipelines.QualityMetrics;
import org.diffusionij.pipelines.Tiler;
import org.diffusionij.pipelines.UnconditionalModel;

/**
 * How far tiled denoising is from denoising the whole image at once, per tile side and overlap, with the bundled
 * model on the side-by-side benchmark's images ({@link BenchImages}: a mosaic of real photographs, σ = 25): the
 * largest and the mean absolute difference to the whole-image result in grey levels, the PSNR of both against
 * the clean image, the pixels the network computes and the time.
 * <pre>
 * java -cp ... org.diffusionij.recipes.TileSeams [N] [TILE:OVERLAP ...]
 * </pre>
 * A benchmark, not a test: it asserts nothing.
 */
public final class TileSeams {

	/** The bundled model's size multiple (three resolution levels). */
	private static final int MULTIPLE = 4;

	private TileSeams() {}

	public static void main(String[] args) throws Exception {
		int n = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
		Path dir = java.nio.file.Files.createTempDirectory("tile-seams");
		BenchImages.main(new String[] { dir.toString(), Integer.toString(n) });
		float[] clean = pixels(dir.resolve("clean-" + n + ".tif"));
		float[] noisy = pixels(dir.resolve("noisy-" + n + ".tif"));
		DiffusionEngine.inferenceThread();
		try (NDManager manager = NDManager.newBaseManager(DiffusionEngine.device("cpu"))) {
			Denoiser denoiser = Denoiser.load(UnconditionalModel.open(Paths.get("models/denoise-gray")), manager);
			long t0 = System.nanoTime();
			float[] whole = denoise(denoiser, noisy, n, n, 0, manager);
			double wholeSeconds = (System.nanoTime() - t0) / 1e9;
			System.out.printf(Locale.ROOT, "%d x %d, σ = 25; whole image: %.2f dB, %.1f s%n%n", n, n, QualityMetrics.psnr(
				clean, whole, 255), wholeSeconds);
			System.out.println("| tile | overlap | tiles | Mpx computed | max |diff| | mean |diff| | PSNR dB | s |");
			System.out.println("|---|---|---|---|---|---|---|---|");
			String[] specs = args.length > 1 ? java.util.Arrays.copyOfRange(args, 1, args.length) : new String[] {
				"256:8", "256:16", "256:32", "256:64", "512:16", "512:32" };
			for (String spec : specs) {
				String[] p = spec.split(":");
				int tile = Integer.parseInt(p[0]), overlap = Integer.parseInt(p[1]);
				Tiler tiler = new Tiler(tile, Math.min(overlap, tile / 2), MULTIPLE); // as the Denoiser makes it
				long t1 = System.nanoTime();
				float[] tiled = denoise(denoiser, noisy, n, tile, overlap, manager);
				double seconds = (System.nanoTime() - t1) / 1e9;
				double max = 0, sum = 0;
				for (int i = 0; i < whole.length; i++) {
					double d = Math.abs(tiled[i] - whole[i]);
					max = Math.max(max, d);
					sum += d;
				}
				System.out.printf(Locale.ROOT, "| %d | %d | %d | %.2f | %.2f | %.3f | %.2f | %.1f |%n", tile, overlap,
					tiler.tiles(n, n), tiler.computedPixels(n, n) / 1e6, max, sum / whole.length, QualityMetrics.psnr(clean, tiled, 255),
					seconds);
			}
		}
		System.exit(0);
	}

	private static float[] pixels(Path tif) {
		ImagePlus image = IJ.openImage(tif.toString());
		return (float[]) image.getProcessor().convertToFloat().getPixels();
	}

	private static float[] denoise(Denoiser denoiser, float[] noisy, int n, int tile, int overlap, NDManager manager) {
		DenoiseSettings s = new DenoiseSettings();
		s.sigma = 25.0;
		s.tile = tile;
		s.overlap = overlap;
		return denoiser.denoise(new float[][] { noisy.clone() }, 1, n, n, s, Progress.NONE, manager).planes[0];
	}
}
