package org.diffusionij.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.Arrays;
import org.diffusionij.engine.Generator;
import org.diffusionij.engine.NoiseSource;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.schedulers.PredictionType;
import org.diffusionij.schedulers.Scheduler;

/**
 * Denoise Image's pipeline: removes noise from image planes with a diffusion model, without adding noise.
 * <p>
 * Each plane (or group of planes, for a model with several channels) is normalised as the model was trained
 * ({@code normalization.json} of the model folder, fitted on the noisy plane; percentile 1 / 99.8 % when the
 * folder has none) and mapped to [−1, 1]. Its noise σ in image units (given, or
 * {@link NoiseEstimation#estimate estimated}) becomes {@code σ_n = 2σ / (high − low)}; then
 * {@code √ᾱ_t · y} is a diffusion state at the timestep {@link NoiseLevelTimestep} matches to σ_n, and the
 * {@link ReverseProcess} returns the clean estimate, which is mapped back to image units. Poisson–Gaussian
 * noise is first made Gaussian of unit variance by the {@link GeneralizedAnscombe generalised Anscombe
 * transform} (σ = 1 in its units) and brought back by its exact unbiased inverse. Large images go through the
 * {@link Tiler}; progress counts network calls, and cancelling stops before the next one. In {@code sample}
 * mode the noise of unit {@code u} (a plane, or a group of planes) comes from a generator seeded with
 * {@code seed + u}, so a plane's result does not depend on the planes before it.
 * <p>
 * Channels: a model with as many channels as the image denoises them together; a one-channel model treats
 * the channels of an RGB or multichannel image one by one, or (option) denoises the luminance once and adds
 * its change to every channel. Other combinations are refused with a message that says what works.
 */
public final class Denoiser {

	/**
	 * Least overlap of tiles. With the bundled model on a 1024 x 1024 photograph (σ = 25, {@code TileSeams}),
	 * tiles of at most 544 differ from the whole-image result by at most 4.7–5.3 grey levels (mean 0.4) for any
	 * overlap from 8 to 32: the difference comes from GroupNorm's statistics, which a tile takes from its own
	 * pixels, not from the seams; the PSNR is the same (30.84 dB tiled, 30.81 whole).
	 */
	public static final int OVERLAP = 16;

	/** ITU-R BT.601 luma weights for RGB, as ImageJ's weighted RGB conversion. */
	private static final double[] RGB_LUMA = { 0.299, 0.587, 0.114 };

	private final UNet2DModel unet;
	private final float[] alphasCumprod;
	private final PredictionType prediction;
	private final Normalization normalization;
	private final int multiple;

	public Denoiser(UNet2DModel unet, Scheduler scheduler, Normalization normalization) {
		this.unet = unet;
		this.alphasCumprod = scheduler.schedule().alphasCumprod();
		this.prediction = scheduler.predictionType();
		this.normalization = normalization;
		this.multiple = 1 << (unet.config().blockOutChannels.length - 1);
	}

	/** The denoiser of a model folder: its UNet (loaded into {@code manager}), scheduler and normalisation. */
	public static Denoiser load(UnconditionalModel model, NDManager manager) throws IOException {
		return new Denoiser(model.unet(manager), model.scheduler(), model.normalization());
	}

	/** Channels the model takes. */
	public int modelChannels() {
		return unet.config().inChannels;
	}

	/**
	 * Denoises planes laid out {@code planes[n * channels + c]}, row-major {@code width x height}; the input
	 * arrays are not changed.
	 *
	 * @param manager where the tiles are computed (its device)
	 */
	public DenoiseResult denoise(float[][] planes, int channels, int width, int height, DenoiseSettings settings,
		Progress progress, NDManager manager)
	{
		settings.check();
		int modelChannels = modelChannels();
		boolean luminance = false;
		if (modelChannels != channels) {
			if (modelChannels != 1) {
				throw new IllegalArgumentException("The model denoises " + modelChannels + "-channel images but the" +
					" image has " + channels + " channel" + (channels == 1 ? "" : "s") + ". " + (modelChannels == 3 ?
						"Convert the image to RGB (Image > Type > RGB Color), or " : "") + "choose a 1-channel model" +
					" (the bundled default: leave model empty), which takes any image, channel by channel" +
					" (channels=per-channel) or on the luminance (channels=luminance).");
			}
			luminance = settings.channels == DenoiseSettings.Channels.LUMINANCE;
		}
		if (planes.length % channels != 0) {
			throw new IllegalArgumentException(planes.length + " planes do not divide into " + channels + " channels.");
		}
		if (settings.keepSteps && (channels != 1 || modelChannels != 1)) {
			throw new IllegalArgumentException("keep_steps=true shows the steps of one-channel images (gray planes, " +
				"with a one-channel model); this image has " + channels + " channel" + (channels == 1 ? "" : "s") +
				". Split the channels first (Image > Color > Split Channels).");
		}
		int items = planes.length / channels;
		int units = luminance ? items : planes.length / modelChannels;
		int side = settings.tile != DenoiseSettings.AUTO_TILE ? settings.tile : TileChoice.side(width, height, unet
			.config().blockOutChannels, multiple, settings.memoryBudget);
		Tiler tiler = new Tiler(side, Math.min(settings.overlap, side / 2), multiple);
		long calls = (long) units * tiler.tiles(height, width) * ReverseProcess.calls(settings);
		Pass pass = new Pass(width, height, settings, tiler, new CallCounter(progress, calls), manager);
		DenoiseResult result = new DenoiseResult(planes.length, units, settings.keepSteps ? settings.steps : 0);
		progress.checkCancelled();
		for (int u = 0; u < units; u++) {
			progress.status("Denoising " + (luminance ? "item " : "plane ") + (u + 1) + "/" + units);
			if (luminance) {
				float[] y = luminance(planes, u * channels, channels);
				float[] out = denoiseUnit(new float[][] { y }, lumaNoiseFactor(channels), u, pass, result)[0];
				for (int c = 0; c < channels; c++) {
					float[] p = planes[u * channels + c].clone();
					for (int i = 0; i < p.length; i++) p[i] += out[i] - y[i];
					result.planes[u * channels + c] = p;
				}
			}
			else {
				float[][] in = new float[modelChannels][];
				System.arraycopy(planes, u * modelChannels, in, 0, modelChannels);
				float[][] out = denoiseUnit(in, 1, u, pass, result);
				System.arraycopy(out, 0, result.planes, u * modelChannels, modelChannels);
			}
		}
		return result;
	}

	/** What one call of {@link #denoise} shares across its units. */
	private static final class Pass {
		final int width, height;
		final DenoiseSettings settings;
		final Tiler tiler;
		final CallCounter counter;
		final NDManager manager;

		Pass(int width, int height, DenoiseSettings settings, Tiler tiler, CallCounter counter, NDManager manager) {
			this.width = width;
			this.height = height;
			this.settings = settings;
			this.tiler = tiler;
			this.counter = counter;
			this.manager = manager;
		}
	}

	/**
	 * One unit (a plane, a model's channel group, or an item's luminance, whose noise is {@code noiseFactor} of
	 * the planes'): noise level, variance-stabilising transform, normalisation, tiled reverse process, inverse.
	 * The input planes are not changed.
	 */
	private float[][] denoiseUnit(float[][] in, double noiseFactor, int unit, Pass pass, DenoiseResult result) {
		UnitNoise noise = new UnitNoise(in, noiseFactor, pass.width, pass.height, pass.settings);
		float[] all = noise.values;
		NormalizationRange range = normalization.fit(all);
		double scale = range.high() > range.low() ? range.high() - range.low() : 1;
		NoiseLevelTimestep start = NoiseLevelTimestep.forSigma(alphasCumprod, 2 * noise.modelSigma / scale);
		result.record(unit, noise.reported, start.timestep);
		range.apply(all);
		for (int i = 0; i < all.length; i++) all[i] = all[i] * 2 - 1;
		float[] out = reverse(all, in.length, start, unit, pass);
		if (!pass.settings.keepSteps) return toImage(out, range, noise, in.length);
		// the result, then x_t and x̂0 of every step (one plane: keepSteps takes one-channel units only)
		int size = all.length, steps = pass.settings.steps;
		for (int s = 0; s < steps; s++) {
			for (int k = 0; k < 2; k++) {
				int from = (1 + 2 * s + k) * size;
				float[] state = toImage(Arrays.copyOfRange(out, from, from + size), range, noise, 1)[0];
				result.keep(s, k, unit, state, ReverseProcess.timestep(start, s, steps));
			}
		}
		return toImage(Arrays.copyOf(out, size), range, noise, in.length);
	}

	/** Normalised [−1, 1] values back to image units, in place: the inverse of the unit's mappings. */
	private static float[][] toImage(float[] v, NormalizationRange range, UnitNoise noise, int channels) {
		for (int i = 0; i < v.length; i++) v[i] = (v[i] + 1) / 2;
		range.invert(v);
		return noise.inverse(v, channels);
	}

	/** The reverse process over the tiles of a normalised unit ({@code channels} planes, one after the other). */
	private float[] reverse(float[] unit, int channels, NoiseLevelTimestep start, int index, Pass pass) {
		DenoiseSettings s = pass.settings;
		ReverseProcess reverse = new ReverseProcess(unet, alphasCumprod, prediction);
		CallCounter counter = pass.counter;
		if (s.mode == DenoiseSettings.Mode.MEAN && s.noisier2noise) {
			Noisier2Noise estimator = new Noisier2Noise(unet, alphasCumprod, prediction);
			NoiseSource noise = Generator.manualSeed(s.seed + index);
			float[] sigma = { (float) start.sigma() };
			return pass.tiler.runInPlace(unit, 1, channels, pass.height, pass.width, pass.manager, tile -> {
				Shape shape = tile.getShape();
				NDArray eps = noise.randn(tile.getManager(), new Shape(Noisier2Noise.DRAWS, shape.get(1), shape.get(2),
					shape.get(3)));
				NDArray x = estimator.estimate(tile, sigma, eps);
				counter.called();
				return x;
			});
		}
		if (s.mode == DenoiseSettings.Mode.MEAN) {
			return pass.tiler.runInPlace(unit, 1, channels, pass.height, pass.width, pass.manager, tile -> reverse.mean(tile,
				start, counter::called));
		}
		NoiseSource noise = Generator.manualSeed(s.seed + index);
		int chains = s.sampler == DenoiseSettings.Sampler.DDIM ? 1 : s.samples;
		if (s.keepSteps) {
			// each tile returns its result and then every step's x_t and x̂0 as channels, which the tiler blends alike
			return pass.tiler.run(unit, 1, channels, pass.height, pass.width, pass.manager, tile -> {
				NDManager m = tile.getManager();
				NDList kept = new NDList();
				NDArray x = reverse.sample(tile, start, s.sampler, s.steps, chains, noise, counter::called, (step, n, t,
					sample, predicted) -> {
					for (NDArray state : new NDArray[] { sample, predicted }) {
						NDArray mean = state.mean(new int[] { 0 }, true);
						mean.attach(m);
						kept.add(mean);
					}
				});
				kept.add(0, x);
				return NDArrays.concat(kept, 1);
			});
		}
		return pass.tiler.runInPlace(unit, 1, channels, pass.height, pass.width, pass.manager, tile -> reverse.sample(tile,
			start, s.sampler, s.steps, chains, noise, counter::called));
	}

	/** The luminance of one item's channels: BT.601 for RGB, the mean otherwise. */
	private static float[] luminance(float[][] planes, int first, int channels) {
		float[] y = new float[planes[first].length];
		for (int c = 0; c < channels; c++) {
			double w = channels == 3 ? RGB_LUMA[c] : 1.0 / channels;
			float[] p = planes[first + c];
			for (int i = 0; i < y.length; i++) y[i] += (float) (w * p[i]);
		}
		return y;
	}

	/** How much of each channel's independent noise σ the luminance keeps: {@code sqrt(Σ w²)}. */
	private static double lumaNoiseFactor(int channels) {
		double sum = 0;
		for (int c = 0; c < channels; c++) {
			double w = channels == 3 ? RGB_LUMA[c] : 1.0 / channels;
			sum += w * w;
		}
		return Math.sqrt(sum);
	}
}
