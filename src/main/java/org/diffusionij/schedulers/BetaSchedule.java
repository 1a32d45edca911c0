package org.diffusionij.schedulers;

/**
 * The noise schedule every diffusers scheduler starts from: {@code betas}, {@code alphas} and
 * {@code alphas_cumprod} for {@code num_train_timesteps} training steps, from the config keys
 * {@code beta_start}, {@code beta_end}, {@code beta_schedule} ({@code linear}, {@code scaled_linear},
 * {@code squaredcos_cap_v2}), {@code trained_betas} and {@code rescale_betas_zero_snr}.
 * <p>
 * The tables are computed in Java {@code float} with the same operations PyTorch uses on CPU
 * ({@code torch.linspace}'s float32 kernel, {@code torch.cumprod} accumulating in double), because ᾱ<sub>t</sub>
 * enters every denoising step: the tables equal those of diffusers' reference run bit for bit (linear,
 * scaled-linear, squaredcos_cap_v2 and zero-SNR rescaled).
 */
public final class BetaSchedule {

	public final int numTrainTimesteps;
	public final double betaStart;
	public final double betaEnd;
	public final String betaSchedule;
	/** {@code trained_betas} from the config, or null. */
	public final double[] trainedBetas;
	public final boolean rescaleBetasZeroSnr;

	private final float[] betas;
	private final float[] alphas;
	private final float[] alphasCumprod;

	/**
	 * Reads the schedule keys with diffusers' defaults (the same in every scheduler class).
	 *
	 * @param hasRescale whether the class has {@code rescale_betas_zero_snr} (PNDM does not)
	 * @param finiteTerminalSigma whether a zero terminal ᾱ from {@code rescale_betas_zero_snr} is replaced by
	 *          2<sup>−24</sup>, as the sigma-based Euler and DPM-Solver schedulers do to keep σ finite
	 */
	BetaSchedule(ConfigReader c, boolean hasRescale, boolean finiteTerminalSigma) {
		numTrainTimesteps = c.getInt("num_train_timesteps", 1000);
		betaStart = c.getDouble("beta_start", 0.0001);
		betaEnd = c.getDouble("beta_end", 0.02);
		betaSchedule = c.getString("beta_schedule", "linear", "linear", "scaled_linear", "squaredcos_cap_v2");
		trainedBetas = c.getDoubles("trained_betas");
		rescaleBetasZeroSnr = hasRescale && c.getBoolean("rescale_betas_zero_snr", false);
		if (numTrainTimesteps < 2) throw new IllegalArgumentException(c.source() +
			": num_train_timesteps must be at least 2, not " + numTrainTimesteps + ".");
		float[] b = computeBetas(c.source());
		if (rescaleBetasZeroSnr) b = rescaleZeroTerminalSnr(b);
		betas = b;
		alphas = new float[b.length];
		for (int i = 0; i < b.length; i++) alphas[i] = 1f - b[i];
		alphasCumprod = cumprod(alphas);
		if (rescaleBetasZeroSnr && finiteTerminalSigma) alphasCumprod[alphasCumprod.length - 1] = 0x1p-24f;
	}

	private float[] computeBetas(String source) {
		if (trainedBetas != null) {
			if (trainedBetas.length != numTrainTimesteps) throw new IllegalArgumentException(source +
				": trained_betas has " + trainedBetas.length + " values but num_train_timesteps is " +
				numTrainTimesteps + ".");
			float[] out = new float[trainedBetas.length];
			for (int i = 0; i < out.length; i++) out[i] = (float) trainedBetas[i];
			return out;
		}
		switch (betaSchedule) {
			case "linear":
				return linspace((float) betaStart, (float) betaEnd, numTrainTimesteps);
			case "scaled_linear": {
				float[] out = linspace((float) Math.sqrt(betaStart), (float) Math.sqrt(betaEnd), numTrainTimesteps);
				for (int i = 0; i < out.length; i++) out[i] = out[i] * out[i];
				return out;
			}
			default: // squaredcos_cap_v2, the only other value the reader lets through
				return squaredCosCapV2(numTrainTimesteps);
		}
	}

	/**
	 * {@code torch.linspace(start, end, steps, dtype=float32)} as PyTorch's AVX2 CPU kernel computes it, bit for
	 * bit: the first half counts up from start, the rest down from end; inside the vectorized part each block of
	 * eight starts at a fused multiply-add and adds {@code j · step}; the last {@code steps mod 16} values are
	 * computed one by one. A plain formula differs in the last bit of a third of the betas.
	 */
	static float[] linspace(float start, float end, int steps) {
		float[] out = new float[steps];
		float step = (end - start) / (steps - 1);
		int halfway = steps / 2, width = 8;
		int vectorized = steps / (2 * width) * (2 * width);
		for (int i = 0; i < steps; i++) {
			int base = i < vectorized ? i - i % width : i;
			float first = base < halfway ? Math.fma(step, base, start) : Math.fma(-step, steps - base - 1, end);
			out[i] = i == base ? first : first + (i - base) * step;
		}
		return out;
	}

	/**
	 * Diffusers' {@code betas_for_alpha_bar} with the cosine ("Glide") alpha bar and max_beta 0.999, in double,
	 * then float32.
	 */
	static float[] squaredCosCapV2(int n) {
		float[] out = new float[n];
		for (int i = 0; i < n; i++) {
			double t1 = (double) i / n, t2 = (double) (i + 1) / n;
			out[i] = (float) Math.min(1 - cosineAlphaBar(t2) / cosineAlphaBar(t1), 0.999);
		}
		return out;
	}

	private static double cosineAlphaBar(double t) {
		double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
		return c * c;
	}

	/** {@code torch.cumprod} of a float32 tensor on CPU: the running product is kept in double. */
	static float[] cumprod(float[] x) {
		float[] out = new float[x.length];
		double acc = 1;
		for (int i = 0; i < x.length; i++) {
			acc *= x[i];
			out[i] = (float) acc;
		}
		return out;
	}

	/** Diffusers' {@code rescale_zero_terminal_snr} (Lin et al. 2023, algorithm 1), in float32 as torch does it. */
	static float[] rescaleZeroTerminalSnr(float[] betas) {
		int n = betas.length;
		float[] alphas = new float[n];
		for (int i = 0; i < n; i++) alphas[i] = 1f - betas[i];
		float[] sqrt = cumprod(alphas);
		for (int i = 0; i < n; i++) sqrt[i] = (float) Math.sqrt(sqrt[i]);
		float first = sqrt[0], last = sqrt[n - 1];
		float scale = first / (first - last);
		float[] bar = new float[n];
		for (int i = 0; i < n; i++) {
			float s = (sqrt[i] - last) * scale;
			bar[i] = s * s;
		}
		float[] out = new float[n];
		out[0] = 1f - bar[0];
		for (int i = 1; i < n; i++) out[i] = 1f - bar[i] / bar[i - 1];
		return out;
	}

	/** A copy of {@code betas}. */
	public float[] betas() {
		return betas.clone();
	}

	/** A copy of {@code alphas} = 1 − β. */
	public float[] alphas() {
		return alphas.clone();
	}

	/** A copy of {@code alphas_cumprod} = ᾱ<sub>t</sub>. */
	public float[] alphasCumprod() {
		return alphasCumprod.clone();
	}

	float alphaCumprod(int t) {
		return alphasCumprod[t];
	}
}
