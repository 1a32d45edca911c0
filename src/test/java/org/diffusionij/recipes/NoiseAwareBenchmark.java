package org.diffusionij.recipes;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;
import org.diffusionij.host.CommandCall;
import org.diffusionij.host.DenoiseCommand;
import org.diffusionij.host.DiffusionCommands;
import org.diffusionij.host.MacroOptions;
import org.diffusionij.host.train.TrainCommand;
import org.diffusionij.pipelines.QualityMetrics;
import org.scijava.Context;
import org.scijava.command.CommandService;

/**
 * Training on noisy data, measured as a user would run it: Train Diffusion on Stack on a noisy stack (the
 * README's line: fine-tune the bundled model, {@code steps} steps, batch 8, patch 64), then Denoise Image on the
 * same stack with the new model, against the bundled model and against fine-tuning that treats the noisy
 * planes as clean ({@code noise=none}); PSNR against the known clean stack. Two kinds of data the project never
 * trained on: (a) six imagingbook photographs (256 × 256 centre crops, 8-bit grey) with white Gaussian noise of
 * σ = 15, 25 or 50 and (b) a {@link SyntheticFluorescence} stack (6 planes of 256², 2–40 photons, gain 2,
 * offset 100, read noise 2 camera units) whose noise keys are given to training and denoising. BM3D (told σ) is
 * the classical reference for (a). The training's own self-supervised estimate (the Log's SURE line, network
 * units) is printed next to the true figures. Prints a markdown table; {@code -Dbench.skipNone=true} leaves out the
 * noise=none runs, {@code -Dbench.scratch=true} adds training from scratch ({@code init=[] preset=small}), {@code
 * -Dbench.train=" objective=sure"} adds training keys, {@code -Dbench.unseen=true} takes other data.
 * <pre>
 * java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" org.diffusionij.recipes.NoiseAwareBenchmark [steps] [sigma]
 * </pre>
 */
public final class NoiseAwareBenchmark {

	static final String[] PHOTOS = { "Balloons600.jpg", "Flower.jpg", "IrishManor.png", "WartburgSmall.jpg",
		"RhinoBigCrop.png", "Postcard2c.jpg" };
	/**
	 * {@code -Dbench.unseen=true}: crops (centre, or at x,y) of imagingbook photographs that neither the bundled
	 * model's training nor the development of this benchmark used, other noise draws and another fluorescence stack.
	 */
	static final String[] UNSEEN = { "Stars.png", "ToolsSmall.png@120,80", "ToolsSmall.png@760,520",
		"PostalPackageSmall.jpg@100,400", "PostalPackageSmall.jpg@640,120", "RhinoSmall.png" };
	static final boolean NEW_DATA = Boolean.getBoolean("bench.unseen");
	static final long SEED = NEW_DATA ? 9001 : 0;
	static final int SIZE = 256;
	static final double GAIN = 2, OFFSET = 100, READ = 2;

	private NoiseAwareBenchmark() {}

	public static void main(String[] args) throws Exception {
		int steps = args.length > 0 ? Integer.parseInt(args[0]) : 150;
		double sigma = args.length > 1 ? Double.parseDouble(args[1]) : 25;
		String only = args.length > 2 ? args[2] : "both";
		System.setProperty("java.awt.headless", "true");
		Context context = CommandCall.newContext();
		StringBuilder table = new StringBuilder("| data | bundled | fine-tuned, noise=none | fine-tuned, noise-aware " +
			"| from scratch, noise-aware | BM3D (told σ) |\n|---|---|---|---|---|---|\n");
		try {
			if (!only.equals("fluorescence")) {
				float[][] clean = photos();
				float[][] noisy = withGaussianNoise(clean, sigma, 2500 + SEED);
				table.append(row(context, String.format(Locale.ROOT, "photographs, Gaussian σ = %.0f", sigma), clean,
					noisy, "", steps, bm3d(noisy, sigma), 255));
			}
			if (only.equals("fluorescence-gaussian")) {
				SyntheticFluorescence.Stack f = SyntheticFluorescence.make(6, SIZE, GAIN, OFFSET, READ, 77 + SEED);
				float[][] clean = new float[6][];
				for (int i = 0; i < 6; i++) clean[i] = f.cleanCamera(i);
				table.append(row(context, "synthetic fluorescence, Gaussian σ = 4.5", clean, withGaussianNoise(clean, 4.5,
					78 + SEED), "noise=gaussian sigma=4.5", steps, Double.NaN, GAIN * SyntheticFluorescence.PEAK));
			}
			else if (!only.equals("photos")) {
				SyntheticFluorescence.Stack f = SyntheticFluorescence.make(6, SIZE, GAIN, OFFSET, READ, 77 + SEED);
				float[][] clean = new float[6][];
				for (int i = 0; i < 6; i++) clean[i] = f.cleanCamera(i);
				String keys = String.format(Locale.ROOT, "noise=poisson-gaussian gain=%s offset=%s sigma=%s", GAIN,
					OFFSET, READ);
				table.append(row(context, "synthetic fluorescence, Poisson–Gaussian", clean, f.camera, keys, steps,
					Double.NaN, GAIN * SyntheticFluorescence.PEAK));
			}
		}
		finally {
			context.dispose();
		}
		System.out.println(table);
		System.exit(0); // a preview or engine thread must not keep the JVM (and the machine) busy
	}

	private static String row(Context context, String label, float[][] clean, float[][] noisy, String noiseKeys,
		int steps, double bm3d, double range) throws Exception
	{
		ImagePlus stack = stack(noisy);
		double bundled = psnr(clean, denoise(context, stack, "", noiseKeys), range);
		System.out.printf(Locale.ROOT, "%s: noisy %.2f dB, bundled %.2f dB%n", label, psnr(clean, noisy, range), bundled);
		double asClean = Double.NaN;
		if (!Boolean.getBoolean("bench.skipNone")) {
			Path none = Files.createTempDirectory("noise-none");
			train(context, stack, none, "init=denoise-gray noise=none", steps);
			asClean = psnr(clean, denoise(context, stack, none.toString(), noiseKeys), range);
		}
		System.out.printf(Locale.ROOT, "%s: fine-tuned noise=none %.2f dB%n", label, asClean);
		Path aware = Files.createTempDirectory("noise-aware");
		train(context, stack, aware, "init=denoise-gray " + noiseKeys, steps);
		double noiseAware = psnr(clean, denoise(context, stack, aware.toString(), ""), range);
		System.out.printf(Locale.ROOT, "%s: fine-tuned noise-aware %.2f dB (%+.2f dB); model in %s%n", label, noiseAware,
			noiseAware - bundled, aware);
		double scratch = Double.NaN;
		if (Boolean.getBoolean("bench.scratch")) {
			Path fresh = Files.createTempDirectory("noise-aware-scratch");
			train(context, stack, fresh, "init=[] preset=small " + noiseKeys, steps);
			scratch = psnr(clean, denoise(context, stack, fresh.toString(), ""), range);
			System.out.printf(Locale.ROOT, "%s: from scratch noise-aware %.2f dB (%+.2f dB)%n", label, scratch, scratch -
				bundled);
		}
		return String.format(Locale.ROOT, "| %s | %.2f | %.2f (%+.2f) | %.2f (%+.2f) | %.2f (%+.2f) | %s |%n", label,
			bundled, asClean, asClean - bundled, noiseAware, noiseAware - bundled, scratch, scratch - bundled, Double
				.isNaN(bm3d) ? "—" : String.format(Locale.ROOT, "%.2f", bm3d));
	}

	private static void train(Context context, ImagePlus stack, Path folder, String keys, int steps) {
		String macro = "folder=[" + folder + "] steps=" + steps + " batch=8 patch=64 " + keys +
			System.getProperty("bench.train", "");
		System.out.println("Train Diffusion on Stack " + macro);
		CommandCall.run(context, DiffusionCommands.find(context.service(CommandService.class), TrainCommand.LABEL),
			MacroOptions.parse(macro).asMap(), stack, "an image");
	}

	private static float[][] denoise(Context context, ImagePlus stack, String model, String keys) {
		String macro = (model.isEmpty() ? "" : "model=[" + model + "] ") + keys;
		ImagePlus out = CommandCall.run(context, DiffusionCommands.find(context.service(CommandService.class),
			DenoiseCommand.LABEL), new LinkedHashMap<>(MacroOptions.parse(macro).asMap()), stack, "an image");
		float[][] planes = new float[out.getStackSize()][];
		for (int i = 0; i < planes.length; i++) planes[i] = (float[]) out.getStack().getProcessor(i + 1).convertToFloat()
			.getPixels();
		return planes;
	}

	private static double psnr(float[][] clean, float[][] test, double range) {
		double mse = 0;
		for (int i = 0; i < clean.length; i++) {
			double p = QualityMetrics.psnr(clean[i], test[i], range);
			mse += Math.pow(10, -p / 10) / clean.length;
		}
		return -10 * Math.log10(mse);
	}

	/** BM3D's PSNR over the stack, told the true σ. */
	private static double bm3d(float[][] noisy, double sigma) throws Exception {
		float[][] clean = photos();
		float[][] out = new float[noisy.length][];
		for (int i = 0; i < noisy.length; i++) out[i] = Bm3d.denoise(noisy[i], SIZE, SIZE, sigma);
		return psnr(clean, out, 255);
	}

	static float[][] photos() throws Exception {
		String[] crops = NEW_DATA ? UNSEEN : PHOTOS;
		float[][] planes = new float[crops.length][];
		for (int i = 0; i < crops.length; i++) {
			String[] nameAt = crops[i].split("@");
			try (InputStream in = NoiseAwareBenchmark.class.getResourceAsStream(
				"/imagingbook/sampleimages/GeneralSampleImage-data/" + nameAt[0]))
			{
				BufferedImage image = ImageIO.read(in);
				ImageProcessor ip = new ImagePlus(nameAt[0], image).getProcessor().convertToByte(true);
				String[] at = nameAt.length > 1 ? nameAt[1].split(",") : null;
				ip.setRoi(at != null ? Integer.parseInt(at[0]) : (ip.getWidth() - SIZE) / 2, at != null ? Integer
					.parseInt(at[1]) : (ip.getHeight() - SIZE) / 2, SIZE, SIZE);
				planes[i] = (float[]) ip.crop().convertToFloat().getPixels();
			}
		}
		return planes;
	}

	static float[][] withGaussianNoise(float[][] clean, double sigma, long seed) {
		Random r = new Random(seed);
		float[][] out = new float[clean.length][];
		for (int i = 0; i < clean.length; i++) {
			out[i] = clean[i].clone();
			for (int k = 0; k < out[i].length; k++) out[i][k] += (float) (sigma * r.nextGaussian());
		}
		return out;
	}

	static ImagePlus stack(float[][] planes) {
		ImageStack s = new ImageStack(SIZE, SIZE);
		for (float[] p : planes) s.addSlice(new FloatProcessor(SIZE, SIZE, p.clone()));
		return new ImagePlus("noisy stack", s);
	}
}
