package org.diffusionij.pipelines.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws random square patches with random flips and 90° rotations (the 8 symmetries of the square) from
 * normalised planes. The draws for a batch depend only on (seed, step), not on what happened before, so a
 * resumed run draws exactly the patches an uninterrupted run would have drawn.
 */
public final class PatchSampler {

	/**
	 * One image: {@code channels} planes of {@code height × width}, channel-major (CHW), and the standard
	 * deviation of its noise in the same (network) units, NaN for clean images; optionally a weight per value
	 * (CHW) by which an error there counts in the losses (null: all alike).
	 */
	public static final class Plane {
		public final int channels, height, width;
		public final float[] data;
		public final double sigma;
		public final float[] weight;

		public Plane(int channels, int height, int width, float[] data) {
			this(channels, height, width, data, Double.NaN, null);
		}

		public Plane(int channels, int height, int width, float[] data, double sigma, float[] weight) {
			if (data.length != channels * height * width || weight != null && weight.length != data.length) {
				throw new IllegalArgumentException("CHW size mismatch");
			}
			this.channels = channels;
			this.height = height;
			this.width = width;
			this.data = data;
			this.sigma = sigma;
			this.weight = weight;
		}
	}

	private final List<Plane> planes;
	private final int patch;
	private final long seed;

	public PatchSampler(List<Plane> planes, int patch, long seed) {
		if (planes.isEmpty()) throw new IllegalArgumentException("No images to train on.");
		int c = planes.get(0).channels;
		for (Plane p : planes) {
			if (p.height < patch || p.width < patch) {
				int side = Math.min(p.width, p.height);
				throw new IllegalArgumentException("Patch size " + patch + " is larger than an image (" + p.width + "×" +
					p.height + "); " + (side >= 8 ? "choose patch=" + side / 8 * 8 + " or less (patch is a multiple of 8)"
						: "patch is a multiple of 8 and at least 8, so training needs images of at least 8×8 pixels") + ".");
			}
			if (p.channels != c) throw new IllegalArgumentException("All images must have the same channel count.");
		}
		this.planes = planes;
		this.patch = patch;
		this.seed = seed;
	}

	public int channels() {
		return planes.get(0).channels;
	}

	/** A batch NCHW for optimisation step {@code step}, identical for identical (seed, step). */
	public float[] batch(long step, int batchSize) {
		return batch(step, batchSize, null);
	}

	/** As {@link #batch(long, int)}; {@code sigmas} (or null) receives each patch's noise σ. */
	public float[] batch(long step, int batchSize, float[] sigmas) {
		return batch(step, batchSize, sigmas, null);
	}

	/** Whether the planes carry weights ({@link Plane#weight}). */
	public boolean weighted() {
		return planes.get(0).weight != null;
	}

	/**
	 * As {@link #batch(long, int, float[])}; {@code weights} (or null) receives the patches' weights, NCHW
	 * like the batch (1 where the planes have none).
	 */
	public float[] batch(long step, int batchSize, float[] sigmas, float[] weights) {
		SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
		int c = channels();
		float[] out = new float[batchSize * c * patch * patch];
		for (int b = 0; b < batchSize; b++) {
			Plane p = planes.get(rnd.nextInt(planes.size()));
			int y0 = rnd.nextInt(p.height - patch + 1);
			int x0 = rnd.nextInt(p.width - patch + 1);
			int symmetry = rnd.nextInt(8);
			copyPatch(p, p.data, y0, x0, symmetry, out, b * c * patch * patch);
			if (sigmas != null) sigmas[b] = (float) p.sigma;
			if (weights != null && p.weight != null) copyPatch(p, p.weight, y0, x0, symmetry, weights, b * c * patch *
				patch);
			else if (weights != null) Arrays.fill(weights, b * c * patch * patch, (b + 1) * c * patch * patch, 1f);
		}
		return out;
	}

	private void copyPatch(Plane p, float[] source, int y0, int x0, int symmetry, float[] out, int offset) {
		int n = patch;
		for (int ch = 0; ch < p.channels; ch++) {
			int src = ch * p.height * p.width;
			int dst = offset + ch * n * n;
			for (int y = 0; y < n; y++) {
				for (int x = 0; x < n; x++) {
					int sy = y, sx = x;
					if ((symmetry & 1) != 0) sx = n - 1 - sx;
					if ((symmetry & 2) != 0) sy = n - 1 - sy;
					if ((symmetry & 4) != 0) {
						int t = sx;
						sx = sy;
						sy = t;
					}
					out[dst + y * n + x] = source[src + (y0 + sy) * p.width + x0 + sx];
				}
			}
		}
	}

	/**
	 * Splits planes into training and validation sets: every k-th plane (about {@code fraction}) goes to
	 * validation; a single plane is split into its top (training) and bottom (validation) parts instead.
	 *
	 * @return two lists: training, validation
	 */
	public static List<List<Plane>> split(List<Plane> all, double fraction, int patch) {
		List<Plane> train = new ArrayList<>(), val = new ArrayList<>();
		if (all.size() == 1) {
			Plane p = all.get(0);
			int valRows = Math.max(patch, (int) Math.round(p.height * fraction));
			if (p.height - valRows < patch) {
				train.add(p);
				val.add(p);
			}
			else {
				train.add(rows(p, 0, p.height - valRows));
				val.add(rows(p, p.height - valRows, p.height));
			}
		}
		else {
			int every = Math.max(2, (int) Math.round(1 / Math.max(1e-6, fraction)));
			for (int i = 0; i < all.size(); i++) ((i % every == every - 1) ? val : train).add(all.get(i));
			if (val.isEmpty()) val.add(train.remove(train.size() - 1));
		}
		List<List<Plane>> out = new ArrayList<>();
		Collections.addAll(out, train, val);
		return out;
	}

	private static Plane rows(Plane p, int from, int to) {
		return new Plane(p.channels, to - from, p.width, rows(p, p.data, from, to), p.sigma, p.weight == null ? null :
			rows(p, p.weight, from, to));
	}

	private static float[] rows(Plane p, float[] values, int from, int to) {
		int h = to - from;
		float[] d = new float[p.channels * h * p.width];
		for (int c = 0; c < p.channels; c++) {
			System.arraycopy(values, c * p.height * p.width + from * p.width, d, c * h * p.width, h * p.width);
		}
		return d;
	}
}
