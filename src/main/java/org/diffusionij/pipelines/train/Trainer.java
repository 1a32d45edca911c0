package org.diffusionij.pipelines.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.diffusionij.engine.Generator;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.pipelines.CancelledException;
import org.diffusionij.pipelines.NoiseRecord;
import org.diffusionij.pipelines.Noisier2Noise;
import org.diffusionij.pipelines.Progress;
import org.diffusionij.schedulers.PredictionType;
import org.diffusionij.schedulers.Scheduler;

/**
 * DDPM training of a {@link UNet2DModel}, as diffusers' {@code train_unconditional.py}: add noise to clean
 * patches at random timesteps and teach the network to predict the noise (epsilon) or the velocity
 * (v_prediction) with a mean squared error; AdamW with warm-up and cosine decay, gradient clipping, and an
 * exponential moving average of the weights, which is what checkpoints save.
 * <p>
 * Everything random in step {@code s} (patches, timesteps, noise) is drawn from (seed, s) alone, and the full
 * state (weights, optimizer moments, EMA, step) is saved with each checkpoint, so a resumed run reproduces an
 * uninterrupted one.
 */
public final class Trainer {

	/** Writes a checkpoint of the trainer's current state. */
	public interface Checkpointer {
		void save(Trainer trainer) throws IOException;
	}

	private static final int VALIDATION_BATCH = 16;

	private final UNet2DModel model;
	private final Scheduler noiseScheduler;
	private final TrainingSettings settings;
	private final NDManager manager;
	private final PatchSampler train, validation;
	private final TimestepSampler timesteps;
	private final LearningRateSchedule learningRate;
	private final Map<String, NDArray> params;
	private final AdamW optimizer = AdamW.diffusersDefaults();
	private final Ema ema;
	private final TrainingHistory history = new TrainingHistory();
	private final boolean velocity;
	/**
	 * Noisy data: SURE's objective (also the one-step estimate's validation), the Noisier2Noise estimator when
	 * that is the objective, and the best EMA weights by the validation estimate (what is saved).
	 */
	private final SureObjective sure;
	private final Noisier2Noise noisier2noise;
	private Map<String, NDArray> best;
	private long bestStep = -1;
	private double bestValue = Double.POSITIVE_INFINITY;
	private long step;

	/**
	 * @param model initialised or loaded; its parameters become trainable and are updated in place
	 * @param planes normalised training images; a validation part is held out of them
	 */
	public Trainer(UNet2DModel model, Scheduler noiseScheduler, List<PatchSampler.Plane> planes,
		TrainingSettings settings, NDManager manager)
	{
		settings.validate();
		int in = model.config().inChannels;
		if (planes.get(0).channels != in) {
			throw new IllegalArgumentException("The model takes " + in + " channel(s) but the images have " +
				planes.get(0).channels + ".");
		}
		this.model = model;
		this.noiseScheduler = noiseScheduler;
		this.settings = settings;
		this.manager = manager;
		List<List<PatchSampler.Plane>> split = PatchSampler.split(planes, settings.validationFraction, settings.patch);
		this.train = new PatchSampler(split.get(0), settings.patch, settings.seed);
		this.validation = new PatchSampler(split.get(1), settings.patch, settings.seed + 1);
		this.timesteps = new TimestepSampler(settings, noiseScheduler.schedule().alphasCumprod());
		this.learningRate = new LearningRateSchedule(settings.learningRate, settings.warmup(), settings.steps);
		this.velocity = settings.predictionType() == PredictionType.V_PREDICTION;
		this.params = new LinkedHashMap<>(model.parameters());
		params.values().forEach(p -> p.setRequiresGradient(true));
		this.ema = new Ema(settings.emaDecay, params, manager);
		this.sure = settings.noisyData() ? new SureObjective(model, noiseScheduler.schedule().alphasCumprod(),
			noiseScheduler.predictionType()) : null;
		this.noisier2noise = settings.noisyData() && settings.objective() == TrainingSettings.Objective.NOISIER2NOISE ?
			new Noisier2Noise(model, noiseScheduler.schedule().alphasCumprod(), noiseScheduler.predictionType()) : null;
		if (sure != null) {
			for (PatchSampler.Plane p : planes) {
				if (!(p.sigma >= 0)) throw new IllegalArgumentException("Noise-aware training needs each image's noise σ.");
			}
		}
	}

	public long step() {
		return step;
	}

	public TrainingSettings settings() {
		return settings;
	}

	public UNet2DModel model() {
		return model;
	}

	public Scheduler noiseScheduler() {
		return noiseScheduler;
	}

	public TrainingHistory history() {
		return history;
	}

	/** Current (not averaged) weights, by diffusers name. */
	public Map<String, NDArray> weights() {
		return params;
	}

	public Map<String, NDArray> emaWeights() {
		return ema.weights();
	}

	/**
	 * The weights a checkpoint saves as the model: the EMA weights, or on noisy data the EMA weights that scored
	 * best on the validation estimate (the starting model's until a later one beats it).
	 */
	public Map<String, NDArray> modelWeights() {
		return best != null ? best : ema.weights();
	}

	/**
	 * The estimator Denoise Image should compute with {@link #modelWeights()}: the one-step estimate for SURE and
	 * for the starting model, Noisier2Noise for weights trained by it.
	 */
	public String modelEstimator() {
		return noisier2noise != null && bestStep > 0 ? NoiseRecord.NOISIER2NOISE : NoiseRecord.ONE_STEP;
	}

	/** Step of {@link #modelWeights()} on noisy data, or −1. */
	public long bestStep() {
		return bestStep;
	}

	/** The validation estimate of {@link #modelWeights()} on noisy data, or infinity. */
	public double bestValue() {
		return bestValue;
	}

	/** True on noisy data, where validation is the estimated denoising error (SURE) instead of DDPM's loss. */
	public boolean noiseAware() {
		return sure != null;
	}

	/** Restores the best weights of a saved noisy-data run (for Resume). */
	public void restoreBest(long savedStep, double value, Map<String, NDArray> weights) {
		weights.values().forEach(a -> a.attach(manager));
		best = new LinkedHashMap<>(weights);
		bestStep = savedStep;
		bestValue = value;
	}

	public Map<String, NDArray> optimizerState() {
		return optimizer.state();
	}

	/** Restores a saved state: after this, {@link #run} continues from {@code savedStep}. */
	public void restore(long savedStep, Map<String, NDArray> weights, Map<String, NDArray> emaWeights,
		Map<String, NDArray> optimizerState, TrainingHistory savedHistory)
	{
		weights.forEach((k, a) -> InPlace.copy(params.get(k), a, k));
		ema.restore(emaWeights);
		optimizerState.values().forEach(a -> a.attach(manager));
		optimizer.restore(optimizerState, savedStep);
		history.replaceWith(savedHistory);
		step = savedStep;
	}

	/**
	 * Trains until {@code settings.steps}, validating and checkpointing as set. On cancel, stops after the
	 * current step, writes a checkpoint of that step and throws {@link CancelledException}.
	 */
	public void run(Progress progress, TrainingListener listener, Checkpointer checkpointer) throws IOException {
		long start = System.nanoTime(), firstStep = step;
		if (sure != null && step == 0 && history.validations.isEmpty()) validate(0, listener);
		while (step < settings.steps) {
			if (progress.isCancelled()) {
				checkpointer.save(this);
				listener.checkpointed(step);
				throw new CancelledException();
			}
			double loss = trainStep();
			double perSecond = (step - firstStep) / ((System.nanoTime() - start) / 1e9);
			history.addLoss(step, loss);
			listener.trained(step, loss, learningRate.at(step - 1), perSecond);
			if (step % settings.validationEvery == 0 || step == settings.steps) validate(step, listener);
			if (step % settings.checkpointEvery == 0 || step == settings.steps) {
				checkpointer.save(this);
				listener.checkpointed(step);
			}
			progress.step(step, settings.steps);
			String val = sure == null ? String.format(Locale.ROOT, "val %.4f", history.lastValidation()) : String.format(
				Locale.ROOT, "estimated error %.5f (start %.5f)", history.lastValidation(), history.validations.get(0)[1]);
			progress.status(String.format(Locale.ROOT, "Training step %d/%d, loss %.4f, %s, %.2f steps/s, ETA %s", step,
				settings.steps, loss, val, perSecond, eta((settings.steps - step) / Math.max(1e-9, perSecond))));
		}
	}

	private void validate(long at, TrainingListener listener) {
		double val = validationLoss(at);
		history.addValidation(at, val);
		if (sure != null && val < bestValue) {
			if (best != null) best.values().forEach(NDArray::close);
			best = new LinkedHashMap<>();
			ema.weights().forEach((k, a) -> {
				NDArray copy = a.duplicate();
				copy.attach(manager);
				best.put(k, copy);
			});
			bestStep = at;
			bestValue = val;
		}
		listener.validated(at, val);
	}

	/** One optimisation step; returns its loss. */
	public double trainStep() {
		int b = settings.batch, c = train.channels(), p = settings.patch;
		double loss;
		try (NDManager s = manager.newSubManager()) {
			float[] sigmas = new float[b], weights = train.weighted() ? new float[b * c * p * p] : null;
			NDArray x0 = s.create(train.batch(step, b, sigmas, weights), new Shape(b, c, p, p));
			NDArray w = weights == null ? null : s.create(weights, x0.getShape());
			NDArray lossArray;
			if (sure != null && noisier2noise == null) {
				try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
					lossArray = sure.loss(x0, sigmas, noiseSeed(step), true, w);
					gc.backward(lossArray);
				}
			}
			else {
				float[] t = noisier2noise != null ? timesteps.around(step, Noisier2Noise.levels(sigmas)) : timesteps
					.draw(step, b);
				NDArray noise = Generator.manualSeed(noiseSeed(step)).randn(s, x0.getShape());
				NDArray noisy = noiseScheduler.addNoise(x0, noise, t);
				NDArray target = velocity ? noiseScheduler.getVelocity(x0, noise, t) : noise;
				NDArray tArray = s.create(t);
				try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
					NDArray predicted = model.forward(noisy, tArray);
					NDArray squared = predicted.sub(target).square();
					lossArray = w == null ? squared.mean() : squared.mul(w).sum().div(w.sum());
					gc.backward(lossArray);
				}
			}
			loss = lossArray.getFloat();
			Map<String, NDArray> grads = new LinkedHashMap<>();
			params.forEach((k, a) -> {
				NDArray g = a.getGradient();
				g.attach(s);
				grads.put(k, g);
			});
			boolean gradMode = JniUtils.isGradMode();
			JniUtils.setGradMode(false); // in-place updates of leaf parameters must not be recorded
			try {
				GradientClipping.clip(grads, settings.maxGradNorm);
				optimizer.update(params, grads, learningRate.at(step), manager);
				params.values().forEach(a -> JniUtils.zeroGrad((PtNDArray) a));
				ema.update(params, step + 1);
			}
			finally {
				JniUtils.setGradMode(gradMode);
			}
		}
		step++;
		return loss;
	}

	/**
	 * The loss of the EMA weights on a fixed held-out batch (same patches, timesteps and noise every time); on
	 * noisy data the SURE estimate of their denoising error at the data's own noise level.
	 */
	public double validationLoss() {
		return validationLoss(step);
	}

	/** As {@link #validationLoss()}; the starting model ({@code at} 0) is estimated as the one-step denoiser. */
	private double validationLoss(long at) {
		int b = VALIDATION_BATCH, c = validation.channels(), p = settings.patch;
		boolean gradMode = JniUtils.isGradMode();
		JniUtils.setGradMode(false);
		model.load(ema.weights());
		try (NDManager s = manager.newSubManager()) {
			float[] sigmas = new float[b], weights = validation.weighted() ? new float[b * c * p * p] : null;
			NDArray x0 = s.create(validation.batch(0, b, sigmas, weights), new Shape(b, c, p, p));
			NDArray w = weights == null ? null : s.create(weights, x0.getShape());
			if (noisier2noise != null && at > 0) return noisier2noiseError(x0, sigmas, w, s);
			if (sure != null) return sure.loss(x0, sigmas, noiseSeed(-1), false, w).getFloat();
			float[] t = timesteps.spread(b);
			NDArray noise = Generator.manualSeed(noiseSeed(-1)).randn(s, x0.getShape());
			NDArray noisy = noiseScheduler.addNoise(x0, noise, t);
			NDArray target = velocity ? noiseScheduler.getVelocity(x0, noise, t) : noise;
			return model.forward(noisy, s.create(t)).sub(target).square().mean().getFloat();
		}
		finally {
			model.load(params);
			JniUtils.setGradMode(gradMode);
		}
	}

	/** SURE of the Noisier2Noise estimate on noisy patches (same draws for the image and its probe). */
	private double noisier2noiseError(NDArray y, float[] sigmas, NDArray weights, NDManager s) {
		Shape shape = y.getShape();
		Generator generator = Generator.manualSeed(noiseSeed(-2));
		NDArray eps = generator.randn(s, new Shape(shape.get(0) * Noisier2Noise.DRAWS, shape.get(1), shape.get(2),
			shape.get(3)));
		NDArray probe = generator.randn(s, shape);
		float[] variance = new float[sigmas.length];
		for (int i = 0; i < variance.length; i++) variance[i] = sigmas[i] * sigmas[i];
		NDArray d = noisier2noise.estimate(y, sigmas, eps);
		NDArray dProbe = noisier2noise.estimate(y.add(probe.mul(SureObjective.DELTA)), sigmas, eps);
		return SureObjective.estimate(y, d, dProbe, probe, s.create(variance), weights).mean().getFloat();
	}

	private int noiseSeed(long forStep) {
		return (int) ((settings.seed * 1_000_003L + forStep * 7919L + 12345L) & 0x7fffffff);
	}

	static String eta(double seconds) {
		long s = Math.round(seconds);
		if (s >= 3600) return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
		if (s >= 60) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
		return s + "s";
	}
}
