package org.diffusionij.recipes;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * BM3D (Dabov, Foi, Katkovnik, Egiazarian, IEEE TIP 2007), the classical reference the bundled denoiser is held
 * against, for additive white Gaussian noise of known σ on a grayscale image. Two stages: block matching on the
 * noisy image, 3D transform (orthonormal 8×8 DCT, then a Haar transform across the group) and hard thresholding
 * at 2.7σ, aggregation with Kaiser-windowed weights; then block matching on that basic estimate and an empirical
 * Wiener filter in the same 3D domain. Parameters are the paper's "normal profile" (N1 = 8, step 3, 39×39 search,
 * groups of up to 16 / 32 blocks, matching thresholds 2500 / 400, or 5000 for σ &gt; 40), except that the first
 * stage uses the DCT where the paper uses a bior1.5 wavelet (reported to cost a few hundredths of a dB). A
 * benchmark reference, not a product feature.
 */
public final class Bm3d {

	static final int N = 8, STEP = 3, HALF_SEARCH = 19;
	static final double LAMBDA_3D = 2.7, KAISER_BETA = 2.0;

	private static final double[][] DCT = dctMatrix();
	private static final double[] KAISER = kaiser();

	private Bm3d() {}

	/** The denoised image (same size) of {@code noisy} (width × height, row-major) with noise deviation σ. */
	public static float[] denoise(float[] noisy, int width, int height, double sigma) {
		if (width < N || height < N) return noisy.clone();
		float[] basic = stage(noisy, noisy, width, height, sigma, true);
		return stage(noisy, basic, width, height, sigma, false);
	}

	/** One stage: block matching on {@code guide}, then hard thresholding (first) or Wiener filtering (second). */
	private static float[] stage(float[] noisy, float[] guide, int w, int h, double sigma, boolean hard) {
		int maxGroup = hard ? 16 : 32;
		double tau = hard ? (sigma > 40 ? 5000 : 2500) : (sigma > 40 ? 3500 : 400);
		int[] ys = positions(h), xs = positions(w);
		int refs = ys.length * xs.length;
		int[][] groups = match(guide, w, h, ys, xs, maxGroup, tau);
		float[][] noisyBlocks = transformedBlocks(noisy, w, h);
		float[][] guideBlocks = hard ? noisyBlocks : transformedBlocks(guide, w, h);
		int bw = w - N + 1;
		double[] num = new double[w * h], den = new double[w * h];
		int threads = Runtime.getRuntime().availableProcessors();
		double[][] nums = new double[threads][], dens = new double[threads][];
		IntStream.range(0, threads).parallel().forEach(k -> {
			double[] nu = new double[w * h], de = new double[w * h];
			for (int r = k; r < refs; r += threads) {
				filterGroup(groups[r], noisyBlocks, guideBlocks, bw, w, sigma, hard, nu, de);
			}
			nums[k] = nu;
			dens[k] = de;
		});
		for (int k = 0; k < threads; k++) {
			for (int i = 0; i < num.length; i++) {
				num[i] += nums[k][i];
				den[i] += dens[k][i];
			}
		}
		float[] out = new float[w * h];
		for (int i = 0; i < out.length; i++) out[i] = den[i] > 0 ? (float) (num[i] / den[i]) : noisy[i];
		return out;
	}

	/** Reference block positions along one axis: every STEP pixels, and the last possible position. */
	static int[] positions(int size) {
		int last = size - N;
		int count = last / STEP + 1 + (last % STEP == 0 ? 0 : 1);
		int[] p = new int[count];
		for (int i = 0; i < count; i++) p[i] = Math.min(i * STEP, last);
		return p;
	}

	/**
	 * For every reference block, the positions (y·bw + x of block corners) of its most similar blocks in the
	 * search window, nearest first, the reference itself included, a power of two of them. Squared distances of
	 * all blocks at one displacement come from one integral image, so the search costs O(pixels) per displacement.
	 */
	private static int[][] match(float[] img, int w, int h, int[] ys, int[] xs, int maxGroup, double tau) {
		int bw = w - N + 1;
		double limit = tau * N * N;
		int refs = ys.length * xs.length;
		double[][] dist = new double[refs][maxGroup];
		int[][] pos = new int[refs][maxGroup];
		int[] count = new int[refs];
		IntStream.range(0, ys.length).parallel().forEach(ry -> {
			int y0 = ys[ry];
			double[] integral = new double[(N + 1) * (w + 1)];
			for (int dy = -HALF_SEARCH; dy <= HALF_SEARCH; dy++) {
				int cy = y0 + dy;
				if (cy < 0 || cy > h - N) continue;
				for (int dx = -HALF_SEARCH; dx <= HALF_SEARCH; dx++) {
					// integral image of squared differences over the N rows of this reference row
					for (int u = 0; u < N; u++) {
						int a = (y0 + u) * w, b = (cy + u) * w;
						double rowSum = 0;
						for (int x = 0; x < w; x++) {
							int xb = x + dx;
							double d = xb >= 0 && xb < w ? img[a + x] - img[b + xb] : 0;
							rowSum += d * d;
							integral[(u + 1) * (w + 1) + x + 1] = integral[u * (w + 1) + x + 1] + rowSum;
						}
					}
					for (int rx = 0; rx < xs.length; rx++) {
						int x0 = xs[rx], cx = x0 + dx;
						if (cx < 0 || cx > w - N) continue;
						double d = integral[N * (w + 1) + x0 + N] - integral[N * (w + 1) + x0];
						if (d > limit) continue;
						int r = ry * xs.length + rx;
						insert(dist[r], pos[r], count, r, d, cy * bw + cx);
					}
				}
			}
		});
		int[][] groups = new int[refs][];
		for (int r = 0; r < refs; r++) {
			int m = Integer.highestOneBit(Math.max(1, count[r]));
			groups[r] = Arrays.copyOf(pos[r], m);
		}
		return groups;
	}

	/** Keeps the smallest distances in sorted order (insertion into a short array). */
	private static void insert(double[] dist, int[] pos, int[] count, int r, double d, int p) {
		int n = count[r];
		if (n == dist.length && d >= dist[n - 1]) return;
		int i = n == dist.length ? n - 1 : n;
		while (i > 0 && dist[i - 1] > d) {
			dist[i] = dist[i - 1];
			pos[i] = pos[i - 1];
			i--;
		}
		dist[i] = d;
		pos[i] = p;
		if (n < dist.length) count[r] = n + 1;
	}

	/** The 2D DCT of the N×N block at every position, indexed y·(w−N+1) + x. */
	private static float[][] transformedBlocks(float[] img, int w, int h) {
		int bw = w - N + 1, bh = h - N + 1;
		float[][] out = new float[bw * bh][];
		IntStream.range(0, bh).parallel().forEach(y -> {
			double[] block = new double[N * N];
			for (int x = 0; x < bw; x++) {
				for (int u = 0; u < N; u++) {
					for (int v = 0; v < N; v++) block[u * N + v] = img[(y + u) * w + x + v];
				}
				out[y * bw + x] = dct2(block);
			}
		});
		return out;
	}

	/** Filters one group in the 3D domain and adds its blocks, weighted, to the aggregation buffers. */
	private static void filterGroup(int[] group, float[][] noisy, float[][] guide, int bw, int w, double sigma,
		boolean hard, double[] num, double[] den)
	{
		int m = group.length;
		double[][] g = new double[m][N * N];
		double weight;
		if (hard) {
			for (int k = 0; k < m; k++) for (int c = 0; c < N * N; c++) g[k][c] = noisy[group[k]][c];
			haar(g, true);
			double threshold = LAMBDA_3D * sigma;
			int kept = 0;
			for (double[] row : g) {
				for (int c = 0; c < N * N; c++) {
					if (Math.abs(row[c]) < threshold) row[c] = 0;
					else kept++;
				}
			}
			weight = kept > 0 ? 1.0 / kept : 1;
		}
		else {
			double[][] b = new double[m][N * N];
			for (int k = 0; k < m; k++) {
				for (int c = 0; c < N * N; c++) {
					g[k][c] = noisy[group[k]][c];
					b[k][c] = guide[group[k]][c];
				}
			}
			haar(g, true);
			haar(b, true);
			double s2 = sigma * sigma, energy = 0;
			for (int k = 0; k < m; k++) {
				for (int c = 0; c < N * N; c++) {
					double e = b[k][c] * b[k][c];
					double wiener = e / (e + s2);
					g[k][c] *= wiener;
					energy += wiener * wiener;
				}
			}
			weight = energy > 0 ? 1.0 / energy : 1;
		}
		haar(g, false);
		for (int k = 0; k < m; k++) {
			double[] block = idct2(g[k]);
			int y = group[k] / bw, x = group[k] % bw;
			for (int u = 0; u < N; u++) {
				for (int v = 0; v < N; v++) {
					double kw = weight * KAISER[u * N + v];
					int i = (y + u) * w + x + v;
					num[i] += kw * block[u * N + v];
					den[i] += kw;
				}
			}
		}
	}

	/** Orthonormal full-depth Haar transform across the group (its size a power of two), coefficient-wise. */
	static void haar(double[][] g, boolean forward) {
		int m = g.length;
		if (m == 1) return;
		double s = Math.sqrt(0.5);
		double[][] tmp = new double[m][];
		if (forward) {
			for (int len = m; len > 1; len /= 2) {
				for (int i = 0; i < len / 2; i++) {
					double[] a = g[2 * i], b = g[2 * i + 1];
					double[] sum = new double[a.length], diff = new double[a.length];
					for (int c = 0; c < a.length; c++) {
						sum[c] = (a[c] + b[c]) * s;
						diff[c] = (a[c] - b[c]) * s;
					}
					tmp[i] = sum;
					tmp[len / 2 + i] = diff;
				}
				System.arraycopy(tmp, 0, g, 0, len);
			}
		}
		else {
			for (int len = 2; len <= m; len *= 2) {
				for (int i = 0; i < len / 2; i++) {
					double[] sum = g[i], diff = g[len / 2 + i];
					double[] a = new double[sum.length], b = new double[sum.length];
					for (int c = 0; c < a.length; c++) {
						a[c] = (sum[c] + diff[c]) * s;
						b[c] = (sum[c] - diff[c]) * s;
					}
					tmp[2 * i] = a;
					tmp[2 * i + 1] = b;
				}
				System.arraycopy(tmp, 0, g, 0, len);
			}
		}
	}

	static float[] dct2(double[] block) {
		double[] t = new double[N * N];
		for (int u = 0; u < N; u++) {
			for (int x = 0; x < N; x++) {
				double s = 0;
				for (int y = 0; y < N; y++) s += DCT[u][y] * block[y * N + x];
				t[u * N + x] = s;
			}
		}
		float[] out = new float[N * N];
		for (int u = 0; u < N; u++) {
			for (int v = 0; v < N; v++) {
				double s = 0;
				for (int x = 0; x < N; x++) s += t[u * N + x] * DCT[v][x];
				out[u * N + v] = (float) s;
			}
		}
		return out;
	}

	static double[] idct2(double[] coeffs) {
		double[] t = new double[N * N];
		for (int y = 0; y < N; y++) {
			for (int v = 0; v < N; v++) {
				double s = 0;
				for (int u = 0; u < N; u++) s += DCT[u][y] * coeffs[u * N + v];
				t[y * N + v] = s;
			}
		}
		double[] out = new double[N * N];
		for (int y = 0; y < N; y++) {
			for (int x = 0; x < N; x++) {
				double s = 0;
				for (int v = 0; v < N; v++) s += t[y * N + v] * DCT[v][x];
				out[y * N + x] = s;
			}
		}
		return out;
	}

	private static double[][] dctMatrix() {
		double[][] c = new double[N][N];
		for (int u = 0; u < N; u++) {
			double a = u == 0 ? Math.sqrt(1.0 / N) : Math.sqrt(2.0 / N);
			for (int x = 0; x < N; x++) c[u][x] = a * Math.cos((2 * x + 1) * u * Math.PI / (2 * N));
		}
		return c;
	}

	/** The N×N Kaiser window (β = 2) that weights each block's pixels in the aggregation. */
	private static double[] kaiser() {
		double[] k1 = new double[N];
		for (int i = 0; i < N; i++) {
			double r = 2.0 * i / (N - 1) - 1;
			k1[i] = bessel0(KAISER_BETA * Math.sqrt(1 - r * r)) / bessel0(KAISER_BETA);
		}
		double[] k = new double[N * N];
		for (int u = 0; u < N; u++) for (int v = 0; v < N; v++) k[u * N + v] = k1[u] * k1[v];
		return k;
	}

	private static double bessel0(double x) {
		double sum = 1, term = 1;
		for (int i = 1; i < 30; i++) {
			term *= (x / (2 * i)) * (x / (2 * i));
			sum += term;
		}
		return sum;
	}
}
