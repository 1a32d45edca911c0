package org.diffusionij.pipelines;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusionij.engine.Scopes;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.pipelines.train.TrainingFolder;
import org.diffusionij.schedulers.PredictionType;
import org.diffusionij.schedulers.Scheduler;
import org.diffusionij.schedulers.Schedulers;

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
 * {@link Tiler}; progress counts network calls, and cancelling stops before the next one.
 * <p>
 * Channels: a model with as many channels as the image denoises them together; a one-channel model treats
 * the channels of an RGB or multichannel image one by one, or (option) denoises the luminance once and adds
 * its change to every channel. Other combinations are refused with a message that says what works.
 */
public final class Denoiser {

	/** Least overlap of tiles; the edge effects of the bundled network reach about 8 pixels. */
	public static final int OVERLAP = 32;

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
		this.prediction = PredictionType.of(scheduler.config().has("prediction_type") ? scheduler.config().get(
			"prediction_type").getAsString() : PredictionType.EPSILON.key, scheduler.className());
		this.normalization = normalization;
		this.multiple = 1 << (unet.config().blockOutChannels.length - 1);
	}

	/** The model of a diffusers folder ({@code unet/}, {@code scheduler/}, optional {@code normalization.json}). */
	public static Denoiser fromFolder(Path folder, NDManager manager) throws IOException {
		if (!Files.isDirectory(folder.resolve("unet"))) {
			throw new IOException("Model folder " + folder + " has no unet/ folder; Denoise Image needs a diffusers" +
				" UNet2DModel pipeline folder (unet/ and scheduler/).");
		}
		UNet2DModel unet = UNet2DModel.fromFolder(folder.resolve("unet"), manager);
		Scheduler scheduler = Schedulers.fromConfig(ConfigJson.load(folder.resolve("scheduler").resolve(
			"scheduler_config.json")));
		Path norm = folder.resolve(TrainingFolder.NORMALIZATION);
		Normalization n = Files.isRegularFile(norm) ? Normalization.fromJson(ConfigJson.load(norm).json())
			: Normalization.percentile();
		return new Denoiser(unet, scheduler, n);
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
		int items = planes.length / channels;
		int groups = luminance ? items : planes.length / modelChannels;
		Tiler tiler = new Tiler(settings.tile, Math.min(OVERLAP, settings.tile / 2), multiple);
		int tiles = new TileAxis(height, tiler.tileSize(), Math.min(OVERLAP, settings.tile / 2), multiple).count() *
			new TileAxis(width, tiler.tileSize(), Math.min(OVERLAP, settings.tile / 2), multiple).count();
		CallCounter counter = new CallCounter(progress, (long) groups * tiles * ReverseProcess.calls(settings));
		ReverseProcess reverse = new ReverseProcess(unet, alphasCumprod, prediction);
		DenoiseResult result = new DenoiseResult(planes.length, groups);
		for (int g = 0; g < groups; g++) {
			float[][] in;
			if (luminance) in = new float[][] { luminance(planes, g * channels, channels) };
			else {
				in = new float[modelChannels][];
				for (int c = 0; c < modelChannels; c++) in[c] = planes[g * modelChannels + c].clone();
			}
			progress.status("Denoising " + (luminance ? "item " : "plane ") + (g + 1) + "/" + groups);
			float[][] out = denoiseGroup(in, width, height, settings, tiler, reverse, counter, manager, result, g,
				luminance ? lumaNoiseFactor(channels) : 1);
			if (luminance) {
				for (int c = 0; c < channels; c++) {
					float[] p = planes[g * channels + c].clone();
					for (int i = 0; i < p.length; i++) p[i] += out[0][i] - in[0][i];
					result.planes[g * channels + c] = p;
				}
			}
			else {
				for (int c = 0; c < modelChannels; c++) result.planes[g * modelChannels + c] = out[c];
			}
		}
		return result;
	}

	private float[][] denoiseGroup(float[][] in, int width, int height, DenoiseSettings s, Tiler tiler,
		ReverseProcess reverse, CallCounter counter, NDManager manager, DenoiseResult result, int group,
		double noiseFactor)
	{
		int size = width * height;
		double sigma = 0;
		for (float[] p : in) sigma += s.sigma != null ? s.sigma * noiseFactor : NoiseEstimation.estimate(p, width, height);
		sigma /= in.length;
		GeneralizedAnscombe gat = null;
		double transformedSigma = sigma;
		if (s.noise == DenoiseSettings.Noise.POISSON_GAUSSIAN) {
			gat = new GeneralizedAnscombe(s.gain, s.offset, s.sigma == null ? 0 : s.sigma * noiseFactor);
			transformedSigma = 0;
			float[][] transformed = new float[in.length][];
			for (int c = 0; c < in.length; c++) {
				transformed[c] = in[c].clone();
				gat.forward(transformed[c]);
				transformedSigma += s.sigma != null ? 1 : NoiseEstimation.estimate(transformed[c], width, height);
			}
			in = transformed;
			transformedSigma /= in.length;
		}
		float[] all = new float[in.length * size];
		for (int c = 0; c < in.length; c++) System.arraycopy(in[c], 0, all, c * size, size);
		NormalizationRange range = normalization.fit(all);
		double scale = range.high() > range.low() ? range.high() - range.low() : 1;
		NoiseLevelTimestep start = NoiseLevelTimestep.forSigma(alphasCumprod, 2 * transformedSigma / scale);
		result.record(group, gat == null ? sigma : transformedSigma, start.timestep);
		range.apply(all);
		for (int i = 0; i < all.length; i++) all[i] = all[i] * 2 - 1;
		float[] denoised;
		try (NDManager scope = Scopes.step(manager)) {
			if (s.mode == DenoiseSettings.Mode.SAMPLE) Engine.getInstance().setRandomSeed((int) (s.seed + group));
			NDArray image = scope.create(all, new Shape(1, in.length, height, width));
			NDArray out = tiler.run(image, tile -> s.mode == DenoiseSettings.Mode.MEAN ? reverse.mean(tile, start,
				counter::called) : reverse.sample(tile, start, s.sampler, s.steps, s.sampler ==
					DenoiseSettings.Sampler.DDIM ? 1 : s.samples, counter, counter::called), counter);
			denoised = Floats.of(out);
		}
		for (int i = 0; i < denoised.length; i++) denoised[i] = (denoised[i] + 1) / 2;
		range.invert(denoised);
		float[][] planes = new float[in.length][size];
		for (int c = 0; c < in.length; c++) {
			System.arraycopy(denoised, c * size, planes[c], 0, size);
			if (gat != null) gat.inverse(planes[c]);
		}
		return planes;
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
