package org.diffusionij.recipes;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.pipelines.ClassicalDenoisers;
import org.diffusionij.pipelines.DenoiseSettings;
import org.diffusionij.pipelines.Denoiser;
import org.diffusionij.pipelines.Progress;
import org.diffusionij.pipelines.QualityMetrics;
import org.diffusionij.pipelines.UnconditionalModel;

/**
 * Denoise Image's benchmark: PSNR and SSIM (8-bit range) on the evaluation images ({@code data/eval-gray}, never
 * used in training; whole images) with white Gaussian noise of σ = 15, 25 and 50 (unclipped, as the DnCNN and
 * BM3D papers add it; {@code java.util.Random} seeded {@value #NOISE_SEED} for each image and σ), for the
 * noisy input, a 3 x 3 median, a Gaussian blur with the best σ per image (searched from 0.3 to 3 in steps of 0.1
 * against the clean image, so an upper bound for blurring), {@link Bm3d} (the classical reference, told the true
 * σ), our {@code mean} mode and our {@code sample} mode
 * (DDPM, {@value #SAMPLE_STEPS} steps, one sample), both told the true σ. Also seconds per megapixel of {@code mean} mode and, over all
 * images at σ = 25, speed and PSNR per tile size (seams would lower PSNR). Prints markdown tables.
 * <p>
 * Run from the repository root after {@code mvn -o -q test-compile dependency:build-classpath
 * -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test}:
 * <pre>
 * java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" org.diffusionij.recipes.DenoiseBenchmark \
 *   data/eval-gray models/denoise-gray
 * </pre>
 */
public final class DenoiseBenchmark {

	static final long NOISE_SEED = 1234;
	static final int SAMPLE_STEPS = 5;
	static final double[] SIGMAS = { 15, 25, 50 };
	static final String[] METHODS = { "noisy input", "median 3x3", "Gaussian blur (best σ)", "BM3D (told σ)", "ours, mean",
		"ours, sample (" + SAMPLE_STEPS + " DDPM steps)" };

	private DenoiseBenchmark() {}

	public static void main(String[] args) throws Exception {
		Path data = Paths.get(args.length > 0 ? args[0] : "data/eval-gray");
		Path model = Paths.get(args.length > 1 ? args[1] : "models/denoise-gray");
		List<GrayImages.Gray> images = GrayImages.read(data);
		DiffusionEngine.inferenceThread();
		try (NDManager manager = NDManager.newBaseManager(DiffusionEngine.device(System.getProperty("bench.device", "cpu")))) {
			Denoiser denoiser = Denoiser.load(UnconditionalModel.open(model), manager);
			GrayImages.Gray warm = images.get(0);
			denoise(denoiser, noisy(warm, 25), warm, DenoiseSettings.Mode.MEAN, 25, DenoiseSettings.DEFAULT_TILE,
				manager); // warm-up
			double meanSeconds = 0, pixels = 0;
			StringBuilder table = new StringBuilder();
			table.append("| method | σ=15 PSNR / SSIM | σ=25 PSNR / SSIM | σ=50 PSNR / SSIM |\n|---|---|---|---|\n");
			double[][][] scores = new double[METHODS.length][SIGMAS.length][2];
			for (int si = 0; si < SIGMAS.length; si++) {
				double sigma = SIGMAS[si];
				for (GrayImages.Gray g : images) {
					float[] noisy = noisy(g, sigma);
					List<float[]> outs = new ArrayList<>();
					outs.add(noisy);
					outs.add(ClassicalDenoisers.median3x3(noisy, g.width, g.height));
					outs.add(bestBlur(g, noisy));
					outs.add(Bm3d.denoise(noisy, g.width, g.height, sigma));
					long t0 = System.nanoTime();
					outs.add(denoise(denoiser, noisy, g, DenoiseSettings.Mode.MEAN, sigma, DenoiseSettings.DEFAULT_TILE,
						manager));
					meanSeconds += (System.nanoTime() - t0) / 1e9;
					pixels += g.width * (double) g.height;
					outs.add(denoise(denoiser, noisy, g, DenoiseSettings.Mode.SAMPLE, sigma, DenoiseSettings.DEFAULT_TILE,
						manager));
					for (int m = 0; m < METHODS.length; m++) {
						double p = QualityMetrics.psnr(g.pixels, outs.get(m), 255);
						double s = QualityMetrics.ssim(g.pixels, outs.get(m), g.width, g.height, 255);
						scores[m][si][0] += p / images.size();
						scores[m][si][1] += s / images.size();
						System.out.printf(Locale.ROOT, "%s σ=%.0f %s: %.2f dB %.4f%n", g.name, sigma, METHODS[m], p, s);
					}
				}
			}
			for (int m = 0; m < METHODS.length; m++) {
				table.append("| ").append(METHODS[m]);
				for (int si = 0; si < SIGMAS.length; si++) {
					table.append(String.format(Locale.ROOT, " | %.2f / %.3f", scores[m][si][0], scores[m][si][1]));
				}
				table.append(" |\n");
			}
			System.out.println();
			System.out.println("Averages over " + images.size() + " images of " + data + " (noise seed " + NOISE_SEED +
				"), model " + model + ":");
			System.out.println();
			System.out.print(table);
			System.out.printf(Locale.ROOT, "%nmean mode: %.2f s per megapixel (%d threads)%n%n", meanSeconds /
				(pixels / 1e6), DiffusionEngine.threads());
			System.out.println("| tile | s per megapixel (all images, σ=25) | PSNR (σ=25) |\n|---|---|---|");
			for (int tile : new int[] { 128, 256, 512 }) {
				double seconds = 0, psnr = 0;
				for (GrayImages.Gray g : images) {
					float[] noisy = noisy(g, 25);
					long t0 = System.nanoTime();
					float[] out = denoise(denoiser, noisy, g, DenoiseSettings.Mode.MEAN, 25, tile, manager);
					seconds += (System.nanoTime() - t0) / 1e9;
					psnr += QualityMetrics.psnr(g.pixels, out, 255) / images.size();
				}
				System.out.printf(Locale.ROOT, "| %d | %.2f | %.2f |%n", tile, seconds / (pixels / SIGMAS.length / 1e6),
					psnr);
			}
		}
	}

	static float[] noisy(GrayImages.Gray g, double sigma) {
		Random random = new Random(NOISE_SEED);
		float[] out = new float[g.pixels.length];
		for (int i = 0; i < out.length; i++) out[i] = (float) (g.pixels[i] + sigma * random.nextGaussian());
		return out;
	}

	static float[] bestBlur(GrayImages.Gray g, float[] noisy) {
		float[] best = null;
		double bestPsnr = Double.NEGATIVE_INFINITY;
		for (int i = 3; i <= 30; i++) {
			float[] b = ClassicalDenoisers.gaussianBlur(noisy, g.width, g.height, i / 10.0);
			double p = QualityMetrics.psnr(g.pixels, b, 255);
			if (p > bestPsnr) {
				bestPsnr = p;
				best = b;
			}
		}
		return best;
	}

	static float[] denoise(Denoiser denoiser, float[] noisy, GrayImages.Gray g, DenoiseSettings.Mode mode,
		double sigma, int tile, NDManager manager)
	{
		DenoiseSettings s = new DenoiseSettings();
		s.sigma = sigma;
		s.mode = mode;
		s.steps = SAMPLE_STEPS;
		s.tile = tile;
		return denoiser.denoise(new float[][] { noisy }, 1, g.width, g.height, s, Progress.NONE, manager).planes[0];
	}
}
