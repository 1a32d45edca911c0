package org.diffusionij.host;

import ij.ImagePlus;
import ij.process.ImageProcessor;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * A test-only image command (its plugin index entry exists only on the test class path): multiplies the
 * image by {@code factor} into a new 32-bit image titled {@code title}, or fails with a message when
 * {@code fail} is set, or runs out of Java memory when {@code exhaust_memory} is set. It exercises every part of the image command convention through the hosts; nothing
 * is persisted, so tests leave no preferences behind.
 */
@Plugin(type = Command.class, menuPath = DiffusionCommand.MENU + ScaleTestCommand.LABEL, headless = true,
	visible = false)
public class ScaleTestCommand extends DiffusionCommand {

	public static final String LABEL = "Scale Test Image";

	@Parameter(persist = false, label = IMAGE)
	private ImagePlus image;

	@Parameter(type = ItemIO.OUTPUT, label = RESULT)
	private ImagePlus result;

	@Parameter(persist = false)
	private double factor = 1.0;

	@Parameter(persist = false)
	private int repeat = 1;

	@Parameter(persist = false)
	private String title = "scaled";

	@Parameter(persist = false)
	private boolean fail;

	@Parameter(persist = false)
	private boolean exhaust_memory;

	@Override
	protected void execute() {
		if (fail) throw new IllegalArgumentException("Failing on purpose: fail was set.");
		if (exhaust_memory) {
			long[] tooLarge = new long[Integer.MAX_VALUE]; // a real OutOfMemoryError from the VM, nothing allocated
			tooLarge[0] = 1;
		}
		ImageProcessor ip = image.getProcessor().convertToFloat().duplicate();
		for (int i = 0; i < repeat; i++) ip.multiply(factor);
		result = new ImagePlus(title, ip);
	}
}
