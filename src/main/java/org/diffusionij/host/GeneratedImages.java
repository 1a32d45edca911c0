package org.diffusionij.host;

import ai.djl.ndarray.NDArray;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ColorProcessor;

/**
 * Generated images (NCHW, three channels in [0, 1]) as an ImageJ RGB image, one slice per image, titled from
 * the prompt so several results are told apart in the Window menu.
 */
final class GeneratedImages {

	/** Longest title taken from a prompt. */
	static final int TITLE_LENGTH = 40;

	private GeneratedImages() {}

	static ImagePlus toRgb(NDArray nchw, String title) {
		long[] s = nchw.getShape().getShape();
		int n = (int) s[0], h = (int) s[2], w = (int) s[3];
		float[] v = nchw.toFloatArray();
		ImageStack stack = new ImageStack(w, h);
		int plane = w * h;
		for (int i = 0; i < n; i++) {
			int[] px = new int[plane];
			int base = i * 3 * plane;
			for (int p = 0; p < plane; p++) {
				px[p] = byteOf(v[base + p]) << 16 | byteOf(v[base + plane + p]) << 8 | byteOf(v[base + 2 * plane + p]);
			}
			stack.addSlice("image " + (i + 1), new ColorProcessor(w, h, px));
		}
		return new ImagePlus(title, stack);
	}

	/** diffusers' numpy_to_pil: (x * 255).round() on [0, 1]. */
	static int byteOf(float x) {
		return Math.round(Math.max(0, Math.min(1, x)) * 255);
	}

	/** The prompt's first words, up to {@link #TITLE_LENGTH} characters, or "Generated" for an empty prompt. */
	static String title(String prompt) {
		String p = prompt == null ? "" : prompt.trim().replaceAll("\\s+", " ");
		if (p.isEmpty()) return "Generated";
		if (p.length() <= TITLE_LENGTH) return p;
		int cut = p.lastIndexOf(' ', TITLE_LENGTH);
		return p.substring(0, cut > TITLE_LENGTH / 2 ? cut : TITLE_LENGTH) + "…";
	}
}
