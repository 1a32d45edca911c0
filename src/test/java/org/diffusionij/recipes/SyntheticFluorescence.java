package org.diffusionij.recipes;

import java.util.Random;
import org.diffusionij.Fixtures;

/**
 * A synthetic widefield fluorescence stack with known ground truth: blurred spots (vesicles) and filaments
 * (smooth random curves, as microtubules) on a dim, slowly varying background, in photons per pixel (about
 * {@value #BACKGROUND} in the background up to about {@value #PEAK} on the brightest structures), and the same
 * recorded by a camera: {@code gain · Poisson(photons) + offset + N(0, read²)} in camera units. Every plane has
 * its own structures; a seed fixes everything.
 */
public final class SyntheticFluorescence {

	static final double BACKGROUND = 2, PEAK = 40;

	/** Clean photon planes and the camera's noisy planes, both {@code count × size²}. */
	public static final class Stack {
		public final float[][] photons, camera;
		public final double gain, offset, read;

		Stack(float[][] photons, float[][] camera, double gain, double offset, double read) {
			this.photons = photons;
			this.camera = camera;
			this.gain = gain;
			this.offset = offset;
			this.read = read;
		}

		/** The clean image in camera units (what a perfect denoiser of the camera planes returns). */
		public float[] cleanCamera(int plane) {
			float[] p = photons[plane].clone();
			for (int i = 0; i < p.length; i++) p[i] = (float) (gain * p[i] + offset);
			return p;
		}
	}

	private SyntheticFluorescence() {}

	public static Stack make(int count, int size, double gain, double offset, double read, long seed) {
		Random r = new Random(seed);
		float[][] photons = new float[count][], camera = new float[count][];
		for (int n = 0; n < count; n++) {
			double[] f = new double[size * size];
			double bx = r.nextDouble() * 6, by = r.nextDouble() * 6;
			for (int y = 0; y < size; y++) {
				for (int x = 0; x < size; x++) {
					f[y * size + x] = BACKGROUND * (1 + 0.5 * Math.sin(bx + x * 0.02) * Math.cos(by + y * 0.015));
				}
			}
			for (int k = 0; k < 6; k++) filament(f, size, r);
			for (int k = 0; k < 40; k++) spot(f, size, r);
			photons[n] = new float[f.length];
			camera[n] = new float[f.length];
			for (int i = 0; i < f.length; i++) {
				photons[n][i] = (float) f[i];
				camera[n][i] = (float) (gain * poisson(f[i], r) + offset + read * r.nextGaussian());
			}
		}
		return new Stack(photons, camera, gain, offset, read);
	}

	/** A smooth random curve of Gaussian profile (σ 1.2 px) whose ridge holds 20–70 % of {@value #PEAK} photons. */
	private static void filament(double[] f, int size, Random r) {
		double x = r.nextDouble() * size, y = r.nextDouble() * size, angle = r.nextDouble() * 2 * Math.PI;
		double bend = (r.nextDouble() - 0.5) * 0.01, amplitude = PEAK * (0.2 + 0.5 * r.nextDouble());
		double width = 1.2, spacing = 0.5, perStamp = amplitude * spacing / (width * Math.sqrt(2 * Math.PI));
		for (int step = 0; step < 2 * size; step++) {
			angle += bend + 0.01 * r.nextGaussian();
			x += Math.cos(angle) * spacing;
			y += Math.sin(angle) * spacing;
			stamp(f, size, x, y, width, perStamp);
		}
	}

	/** A diffraction-limited spot, σ 1.2–2.5 px, up to {@value #PEAK} photons at its centre. */
	private static void spot(double[] f, int size, Random r) {
		stamp(f, size, r.nextDouble() * size, r.nextDouble() * size, 1.2 + 1.3 * r.nextDouble(), PEAK * (0.2 + 0.8 *
			r.nextDouble()));
	}

	private static void stamp(double[] f, int size, double cx, double cy, double sigma, double amplitude) {
		int radius = (int) Math.ceil(3 * sigma);
		for (int y = (int) cy - radius; y <= (int) cy + radius; y++) {
			for (int x = (int) cx - radius; x <= (int) cx + radius; x++) {
				if (x < 0 || y < 0 || x >= size || y >= size) continue;
				double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
				f[y * size + x] += amplitude * Math.exp(-d2 / (2 * sigma * sigma));
			}
		}
	}

	/** Knuth's method below 30, a rounded normal approximation above. */
	static int poisson(double mean, Random r) {
		if (mean > 30) return Math.max(0, (int) Math.round(mean + Math.sqrt(mean) * r.nextGaussian()));
		return Fixtures.poisson(mean, r);
	}
}
