package org.diffusionij.recipes;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import org.diffusionij.host.CommandCall;
import org.diffusionij.host.DenoiseCommand;
import org.diffusionij.host.DiffusionCommands;
import org.diffusionij.host.MacroOptions;
import org.diffusionij.host.train.TrainCommand;
import org.diffusionij.pipelines.QualityMetrics;
import org.scijava.Context;
import org.scijava.command.CommandService;

/**
 * The real-data picture of docs/training.md: a widefield EMCCD fluorescence time-lapse (threeb's test stack, 60×60,
 * blinking and bleaching; no clean ground truth) denoised by the bundled model and by the bundled model fine-tuned
 * noise-aware on the same frames with the README's line and default noise keys. The reference column is the mean
 * of {@value #WINDOW} neighbouring frames, each scaled to the shown frame's mean (bleaching): it blurs what blinks,
 * so its PSNR is only indicative. Writes a PNG montage (each panel scaled 4×, one display range for the row) and
 * prints the figures.
 * <pre>
 * java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" org.diffusionij.recipes.ThreebFigure STACK.tif OUT.png [steps]
 * </pre>
 */
public final class ThreebFigure {

	static final int FIRST = 100, FRAMES = 48, SHOWN = 124, WINDOW = 9, ZOOM = 4;

	private ThreebFigure() {}

	public static void main(String[] args) throws Exception {
		System.setProperty("java.awt.headless", "true");
		ImagePlus all = IJ.openImage(args[0]);
		Path out = Paths.get(args[1]);
		int steps = args.length > 2 ? Integer.parseInt(args[2]) : 150;
		ImageStack frames = new ImageStack(all.getWidth(), all.getHeight());
		for (int z = FIRST; z < FIRST + FRAMES; z++) frames.addSlice("frame " + (z + 1), all.getStack().getProcessor(z +
			1).duplicate());
		ImagePlus stack = new ImagePlus("threeb frames " + (FIRST + 1) + "-" + (FIRST + FRAMES), frames);
		int shown = SHOWN - FIRST;
		float[] noisy = plane(stack, shown), reference = reference(all, SHOWN);
		Context context = CommandCall.newContext();
		try {
			float[] bundled = plane(denoise(context, stack, ""), shown);
			Path model = Files.createTempDirectory("threeb-model");
			String macro = "folder=[" + model + "] init=denoise-gray steps=" + steps + " batch=8 patch=48";
			System.out.println("Train Diffusion on Stack " + macro);
			CommandCall.run(context, DiffusionCommands.find(context.service(CommandService.class), TrainCommand.LABEL),
				MacroOptions.parse(macro).asMap(), stack, "an image");
			float[] tuned = plane(denoise(context, stack, "model=[" + model + "]"), shown);
			double range = max(reference) - min(reference);
			System.out.printf(Locale.ROOT, "frame %d against the %d-frame mean (indicative): noisy %.2f dB, bundled %.2f " +
				"dB, fine-tuned %.2f dB; model in %s%n", SHOWN + 1, WINDOW, QualityMetrics.psnr(reference, noisy, range),
				QualityMetrics.psnr(reference, bundled, range), QualityMetrics.psnr(reference, tuned, range), model);
			save(out, all.getWidth(), all.getHeight(), min(reference), max(reference), noisy, bundled, tuned, reference);
		}
		finally {
			context.dispose();
		}
		System.exit(0); // an engine thread must not keep the JVM alive
	}

	private static ImagePlus denoise(Context context, ImagePlus stack, String keys) {
		return CommandCall.run(context, DiffusionCommands.find(context.service(CommandService.class), DenoiseCommand
			.LABEL), MacroOptions.parse(keys + " output_type=float32").asMap(), stack, "an image");
	}

	private static float[] plane(ImagePlus image, int index) {
		return (float[]) image.getStack().getProcessor(index + 1).convertToFloat().getPixels();
	}

	/** Mean of the frames around {@code frame}, each scaled to that frame's mean. */
	private static float[] reference(ImagePlus all, int frame) {
		float[] target = plane(all, frame);
		double targetMean = mean(target);
		float[] sum = new float[target.length];
		for (int z = frame - WINDOW / 2; z <= frame + WINDOW / 2; z++) {
			float[] p = plane(all, z);
			double scale = targetMean / mean(p);
			for (int i = 0; i < sum.length; i++) sum[i] += (float) (p[i] * scale / WINDOW);
		}
		return sum;
	}

	private static void save(Path out, int w, int h, double lo, double hi, float[]... panels) throws Exception {
		int gap = 4;
		FloatProcessor montage = new FloatProcessor(panels.length * (w * ZOOM + gap) - gap, h * ZOOM);
		montage.setValue(hi);
		montage.fill();
		for (int k = 0; k < panels.length; k++) {
			ImageProcessor big = new FloatProcessor(w, h, panels[k]).resize(w * ZOOM, h * ZOOM, false);
			montage.insert(big, k * (w * ZOOM + gap), 0);
		}
		montage.setMinAndMax(lo, hi);
		new FileSaver(new ImagePlus("threeb", montage.convertToByteProcessor(true))).saveAsPng(out.toString());
	}

	private static double mean(float[] a) {
		double s = 0;
		for (float v : a) s += v;
		return s / a.length;
	}

	private static float min(float[] a) {
		float m = Float.MAX_VALUE;
		for (float v : a) m = Math.min(m, v);
		return m;
	}

	private static float max(float[] a) {
		float m = -Float.MAX_VALUE;
		for (float v : a) m = Math.max(m, v);
		return m;
	}
}
