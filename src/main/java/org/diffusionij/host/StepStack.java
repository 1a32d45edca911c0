package org.diffusionij.host;

import ai.djl.ndarray.NDArray;
import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import java.util.Locale;
import org.diffusionij.pipelines.Floats;
import org.diffusionij.pipelines.StepObserver;

/**
 * The states of a reverse diffusion loop kept step by step on the Java heap, and the hyperstack that shows
 * them: channels x<sub>t</sub> (the sample after the step) and x̂₀ (the clean image predicted at the step's
 * timestep) side by side (C = 2, or 2 × the model's channels: first the x<sub>t</sub> channels, then the x̂₀
 * ones), one Z slice per image of the batch, one frame per step (T = steps), each slice labelled with its step
 * and timestep. Show Diffusion Process and the {@code keep_steps} key of Generate Samples and Denoise Image
 * make it. The heap it needs is checked before the loop starts ({@link HeapCheck}): keeping 50 steps of a
 * 2048 × 2048 image takes 1.6 GiB.
 */
final class StepStack implements StepObserver {

	/** Maps a kept plane from the loop's [−1, 1] to the output's intensities, in place. */
	interface Values {
		void toOutput(float[] plane);
	}

	private final int items, channels, width, height, steps;
	private final float[][] planes;
	private final double[] timesteps;

	/**
	 * @param what the image and what keeps steps, for the message when the heap is too small
	 * @param steps the steps the loop will make ({@link org.diffusionij.pipelines.UnconditionalPipeline#loopSteps})
	 * @throws IllegalArgumentException when the stack would not fit in the Java heap
	 */
	StepStack(String what, int items, int channels, int width, int height, int steps) {
		this(what, items, channels, width, height, steps, 0);
	}

	/**
	 * As {@link #StepStack(String, int, int, int, int, int)}, when the loop itself needs {@code workingBytes} more
	 * heap.
	 */
	StepStack(String what, int items, int channels, int width, int height, int steps, long workingBytes) {
		long plane = HeapCheck.times(width, height);
		long bytes = HeapCheck.plus(HeapCheck.times(HeapCheck.times(HeapCheck.times(plane, 4), 2L * items * channels),
			steps), workingBytes);
		HeapCheck.require(what + " (" + steps + " steps of " + width + "×" + height + " pixels, " + items * channels +
			" plane" + (items * channels == 1 ? "" : "s") + ", x_t and x̂₀ in 32-bit)", plane, bytes,
			"to keep its steps; use fewer steps or a smaller image");
		this.items = items;
		this.channels = channels;
		this.width = width;
		this.height = height;
		this.steps = steps;
		this.planes = new float[steps * 2 * items * channels][];
		this.timesteps = new double[steps * items];
	}

	@Override
	public void stepped(int step, int total, double timestep, NDArray sample, NDArray predictedOriginal) {
		if (total != steps) throw new IllegalStateException(total + " steps, not the " + steps + " expected.");
		for (int n = 0; n < items; n++) timesteps[step * items + n] = timestep;
		keep(step, 0, sample);
		keep(step, channels, predictedOriginal);
	}

	/**
	 * Keeps one plane: channel {@code channel} (below the model's channels: x<sub>t</sub>; from there: x̂₀) of
	 * image {@code item} at {@code step}, which started from {@code timestep} (Denoise Image: each plane has its own).
	 */
	void put(int step, int item, int channel, float[] plane, double timestep) {
		if (plane.length != width * height) throw new IllegalArgumentException(plane.length + " values for a " + width +
			"×" + height + " plane.");
		planes[index(step, item, channel)] = plane;
		timesteps[step * items + item] = timestep;
	}

	/** Keeps the planes of {@code nchw} as channels {@code first …} of frame {@code step}. */
	private void keep(int step, int first, NDArray nchw) {
		float[] all = Floats.of(nchw);
		int size = width * height;
		if (all.length != items * channels * size) {
			throw new IllegalStateException(nchw.getShape() + " is not " + items + "×" + channels + "×" + height + "×" +
				width + ".");
		}
		for (int n = 0; n < items; n++) {
			for (int c = 0; c < channels; c++) {
				float[] p = new float[size];
				System.arraycopy(all, (n * channels + c) * size, p, 0, size);
				planes[index(step, n, first + c)] = p;
			}
		}
	}

	private int index(int step, int item, int channel) {
		return (step * items + item) * 2 * channels + channel;
	}

	/**
	 * The hyperstack, every plane mapped by {@code values}, shown in gray with one display range
	 * ({@code min … max}) for every channel, so x<sub>t</sub> and x̂₀ compare at a glance.
	 */
	ImagePlus image(String title, Values values, double min, double max) {
		ImageStack stack = new ImageStack(width, height);
		for (int s = 0; s < steps; s++) {
			for (int n = 0; n < items; n++) {
				for (int c = 0; c < 2 * channels; c++) {
					float[] p = planes[index(s, n, c)];
					if (p == null) throw new IllegalStateException("Step " + (s + 1) + " was not kept.");
					values.toOutput(p);
					stack.addSlice(label(s, n, c), p);
				}
			}
		}
		ImagePlus imp = new ImagePlus(title, stack);
		imp.setDimensions(2 * channels, items, steps);
		imp.setOpenAsHyperStack(true);
		CompositeImage composite = new CompositeImage(imp, IJ.GRAYSCALE);
		for (int c = 1; c <= 2 * channels; c++) {
			composite.setPositionWithoutUpdate(c, 1, 1);
			composite.setDisplayRange(min, max);
		}
		composite.setPosition(1, 1, steps);
		return composite;
	}

	private String label(int step, int item, int channel) {
		boolean sample = channel < channels;
		String what = sample ? "x_t" : "x̂₀";
		String ch = channels > 1 ? " channel " + (channel % channels + 1) : "";
		String image = items > 1 ? " image " + (item + 1) : "";
		return String.format(Locale.ROOT, "%s%s%s, step %d/%d, %s t=%s", what, ch, image, step + 1, steps, sample ?
			"after the step from" : "predicted at", number(timesteps[step * items + item]));
	}

	static String number(double t) {
		return t == Math.rint(t) ? String.valueOf((long) t) : String.format(Locale.ROOT, "%.1f", t);
	}
}
