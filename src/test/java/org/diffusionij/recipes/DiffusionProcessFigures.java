package org.diffusionij.recipes;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;
import java.awt.Font;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.diffusionij.host.CommandCall;
import org.diffusionij.host.DiffusionCommands;
import org.diffusionij.host.MacroOptions;
import org.diffusionij.host.ShowDiffusionProcessCommand;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

/**
 * The three pictures of the README's "Learn diffusion in Fiji": Show Diffusion Process run with the README's
 * macro lines ({@link #FORWARD}, {@link #REVERSE}, {@link #SCHEDULE}) on a real photograph (the project's
 * {@code samples/camera-clean.png}, scikit-image's CC0 camera, which the bundled model did not train on), each
 * result laid out as a labelled PNG: the forward stack as a row, the reverse hyperstack as two rows (x_t above,
 * x̂₀ below) at evenly spaced steps, the schedule plot as ImageJ draws it.
 * <pre>
 * java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" org.diffusionij.recipes.DiffusionProcessFigures samples/camera-clean.png docs
 * </pre>
 */
public final class DiffusionProcessFigures {

	static final String FORWARD = "show=forward timesteps=0,50,100,200,400,700,999 seed=1";
	static final String REVERSE = "show=reverse start=250 steps=100 seed=1";
	static final String SCHEDULE = "show=schedule timesteps=0,50,100,200,400,700,999";

	/** Columns of the reverse picture. */
	static final int COLUMNS = 6;
	static final int GAP = 6, FONT = 20, BAR = 34, ROW_LABEL = 48;

	private DiffusionProcessFigures() {}

	public static void main(String[] args) throws Exception {
		System.setProperty("java.awt.headless", "true");
		ImagePlus photo = IJ.openImage(args[0]);
		Path out = Paths.get(args[1]);
		Files.createDirectories(out);
		Context context = CommandCall.newContext();
		try {
			CommandInfo info = DiffusionCommands.find(context.service(CommandService.class),
				ShowDiffusionProcessCommand.LABEL);
			ImagePlus forward = run(context, info, photo, FORWARD);
			save(forwardRow(forward), out.resolve("diffusion-forward.png"));
			ImagePlus reverse = run(context, info, photo, REVERSE);
			save(reverseRows(reverse), out.resolve("diffusion-reverse.png"));
			ImagePlus schedule = run(context, info, photo, SCHEDULE);
			save(schedule.getProcessor(), out.resolve("diffusion-schedule.png"));
		}
		finally {
			context.dispose();
		}
		System.exit(0); // an engine thread must not keep the JVM alive
	}

	private static ImagePlus run(Context context, CommandInfo info, ImagePlus photo, String keys) {
		System.out.println("run(\"" + ShowDiffusionProcessCommand.LABEL + "\", \"" + keys + "\");");
		return CommandCall.run(context, info, MacroOptions.parse(keys).asMap(), photo, "an image");
	}

	/** Every slice in a row, its label (t, ᾱ, SNR) below it. */
	private static ImageProcessor forwardRow(ImagePlus stack) {
		int w = stack.getWidth(), h = stack.getHeight(), n = stack.getStackSize();
		ByteProcessor row = canvas(n * (w + GAP) - GAP, h + 2 * BAR);
		for (int k = 0; k < n; k++) {
			int x = k * (w + GAP);
			row.insert(gray(stack, k + 1), x, 0);
			String[] parts = stack.getStack().getSliceLabel(k + 1).split("  ");
			text(row, parts[0] + "   " + parts[1], x + w / 2, h + BAR - 8);
			text(row, parts[2], x + w / 2, h + 2 * BAR - 8);
		}
		return row;
	}

	/** x_t above, x̂₀ below, at {@link #COLUMNS} steps from the first to the last. */
	private static ImageProcessor reverseRows(ImagePlus hyper) {
		int w = hyper.getWidth(), h = hyper.getHeight(), steps = hyper.getNFrames();
		int columns = Math.min(COLUMNS, steps);
		ByteProcessor rows = canvas(ROW_LABEL + columns * (w + GAP) - GAP, BAR + 2 * h + GAP);
		for (int k = 0; k < columns; k++) {
			int frame = 1 + (int) Math.round(k * (steps - 1) / (double) (columns - 1));
			int x = ROW_LABEL + k * (w + GAP);
			for (int c = 1; c <= 2; c++) {
				rows.insert(gray(hyper, hyper.getStackIndex(c, 1, frame)), x, BAR + (c - 1) * (h + GAP));
			}
			String label = hyper.getStack().getSliceLabel(hyper.getStackIndex(1, 1, frame));
			String t = label.substring(label.lastIndexOf("t=") + 2);
			text(rows, "step " + frame + "/" + steps + ", from t=" + t, x + w / 2, BAR - 9);
		}
		text(rows, "x_t", ROW_LABEL / 2, BAR + h / 2 + FONT / 2);
		text(rows, "x̂₀", ROW_LABEL / 2, BAR + h + GAP + h / 2 + FONT / 2);
		return rows;
	}

	/** A plane in the image's own display range, as 8-bit. */
	private static ImageProcessor gray(ImagePlus imp, int index) {
		ImageProcessor ip = imp.getStack().getProcessor(index).duplicate();
		ip.setMinAndMax(imp.getDisplayRangeMin(), imp.getDisplayRangeMax());
		return ip.convertToByteProcessor(true);
	}

	private static ByteProcessor canvas(int w, int h) {
		ByteProcessor b = new ByteProcessor(w, h);
		b.setColor(255);
		b.fill();
		return b;
	}

	/** Black text centred on x with its baseline at y. */
	private static void text(ImageProcessor ip, String s, int x, int y) {
		ip.setFont(new Font("SansSerif", Font.PLAIN, FONT));
		ip.setAntialiasedText(true);
		ip.setColor(0);
		ip.drawString(s, x - ip.getStringWidth(s) / 2, y);
	}

	private static void save(ImageProcessor ip, Path file) {
		new FileSaver(new ImagePlus(file.getFileName().toString(), ip)).saveAsPng(file.toString());
		System.out.println("Saved " + file);
	}
}
