package org.diffusionij.host.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ij.IJ;
import ij.ImagePlus;
import ij.macro.Interpreter;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.stream.Stream;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.host.DenoiseOptions;
import org.diffusionij.host.DiffusionCommand;
import org.diffusionij.host.OutputPaths;
import org.diffusionij.host.UnusedConfigKeys;
import org.diffusionij.io.ModelCatalog;
import org.diffusionij.pipelines.CancelledException;
import org.diffusionij.pipelines.Normalization;
import org.diffusionij.pipelines.Progress;
import org.diffusionij.pipelines.UnconditionalModel;
import org.diffusionij.pipelines.train.ModelCard;
import org.diffusionij.pipelines.train.ModelPresets;
import org.diffusionij.pipelines.train.PatchSampler;
import org.diffusionij.pipelines.train.Trainer;
import org.diffusionij.pipelines.train.TrainingFolder;
import org.diffusionij.pipelines.train.TrainingListener;
import org.diffusionij.pipelines.train.TrainingSettings;
import org.diffusionij.pipelines.train.TrainingStart;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins › Diffusion › Train Diffusion on Stack: trains a diffusers {@code UNet2DModel} with DDPM noise on the
 * active image or stack (or, for macros and clusters, on every image in {@code image_folder}) and writes a
 * diffusers {@code DDPMPipeline} folder that Denoise Image and Generate Samples use and diffusers loads.
 * <p>
 * <b>Start.</b> {@code init} names the model to fine-tune: a bundled model's name (the default,
 * {@code denoise-gray}) or a model folder; its UNet, scheduler and normalisation are taken over and
 * {@code preset} is not used. {@code init} empty ({@code init=[]} in a macro) trains a fresh UNet of
 * {@code preset} from scratch. {@code resume=true} continues the checkpoint in {@code folder} with its saved
 * settings (the other keys except the input are then ignored), bit for bit as if it had not stopped.
 * <p>
 * <b>While it runs.</b> The status bar shows step, loss, validation loss, steps/s and the time left; the log
 * gets a line at every validation; with a display (not in batch mode) a loss plot and a preview of a denoised
 * held-out patch update live. Cancel (Esc in ImageJ 1) stops after the current step and saves that step.
 * <p>
 * The command returns no image: its result is the model folder. A folder that already holds other files is
 * refused (a checkpoint replaces the whole folder); bad settings and unsuitable images are refused before
 * anything is written.
 */
@Plugin(type = Command.class, menuPath = DiffusionCommand.MENU + TrainCommand.LABEL, headless = true, visible = false)
public class TrainCommand extends DiffusionCommand {

	public static final String LABEL = "Train Diffusion on Stack";

	@Parameter(persist = false, label = DiffusionCommand.IMAGE, required = false)
	private ImagePlus image;

	@Parameter(persist = false, label = "folder", style = "directory",
		description = "Where the trained model is written.")
	private File folder;

	@Parameter(persist = false, label = "init", required = false,
		description = "Model to fine-tune: a bundled model's name or a " +
		"model folder. Empty: train from scratch with the preset.")
	private String init = ModelCatalog.DEFAULT_DENOISER;

	@Parameter(persist = false, label = "preset", choices = { "small", "medium", "large" },
		description = "Network size when " +
		"training from scratch (init empty):\nsmall: channels 32/64/128, no attention (fast on CPU)\nmedium: " +
		"channels 64/128/128/256, attention at 1/8 resolution\nlarge: channels 64/128/256/256, attention at 1/4 " +
		"and 1/8 (GPU)")
	private String preset = "small";

	@Parameter(persist = false, label = "steps", min = "1")
	private long steps = 1000;

	@Parameter(persist = false, label = "batch", min = "1")
	private int batch = 8;

	@Parameter(persist = false, label = "patch", min = "8", stepSize = "8")
	private int patch = 64;

	@Parameter(persist = false, label = "lr")
	private double lr = 2e-4;

	@Parameter(persist = false, label = "prediction", choices = { "epsilon", "v_prediction" })
	private String prediction = "epsilon";

	@Parameter(persist = false, label = "seed")
	private long seed = 0;

	@Parameter(persist = false, label = "resume", description = "Continue the checkpoint in folder.")
	private boolean resume = false;

	@Parameter(persist = false, label = "checkpoint_every", min = "1")
	private long checkpoint_every = 500;

	@Parameter(persist = false, label = "device", description = "cpu, gpu, gpu:N or auto.")
	private String device = "cpu";

	@Parameter(persist = false, label = "noise", choices = { "gaussian", "poisson-gaussian", "none" }, description = "The noise in " +
		"the images, as in Denoise Image. gaussian or poisson-gaussian: the images are the noisy data, and " +
		"training learns to denoise them without clean copies; none: the images are clean.")
	private String noise = TrainingSettings.Noise.GAUSSIAN.key;

	@Parameter(persist = false, label = "sigma", description = "Noise standard deviation in image units (Poisson-Gaussian: read " +
		"noise), or auto to estimate it per plane as Denoise Image does")
	private String sigma = "auto";

	@Parameter(persist = false, label = "gain", description = "Poisson-Gaussian: intensity units per photon")
	private double gain = 1;

	@Parameter(persist = false, label = "offset", description = "Poisson-Gaussian: camera baseline")
	private double offset = 0;

	@Parameter(persist = false, label = "objective", choices = { "auto", "sure", "noisier2noise" }, description = "Noisy data: how " +
		"the network learns from them. auto: the better one measured for the noise kind (sure for gaussian, " +
		"noisier2noise for poisson-gaussian)")
	private String objective = "auto";

	// text, not a File: an empty File input would open a folder chooser when a macro omits the key
	@Parameter(persist = false, label = "image_folder", required = false,
		description = "Train on every image in this folder instead of the active image (for macros).")
	private String image_folder = "";

	@Override
	protected void execute() {
		try {
			train();
		}
		catch (IOException e) {
			throw new UncheckedIOException("Training could not read or write its files: " + e.getMessage(), e);
		}
	}

	private void train() throws IOException {
		if (folder == null || folder.getPath().trim().isEmpty()) {
			throw new IllegalArgumentException("Set folder= to where the model is written.");
		}
		Path out = folder.toPath();
		OutputPaths.checkNewFolder("folder", out);
		if (image_folder != null && !image_folder.trim().isEmpty() &&
			OutputPaths.inside(Paths.get(image_folder.trim()), out))
		{
			throw new IllegalArgumentException("image_folder=" + image_folder + " lies in folder=" + out + ", which " +
				"every checkpoint replaces; keep the training images in another folder.");
		}
		checkFolder(out);
		TrainingSettings requested = settings();
		requested.validate();
		if (TrainWorker.wanted()) {
			String cancelled = TrainWorker.run(keys(), image_folder != null && !image_folder.trim().isEmpty() ? null :
				image, progress(), out, windows(), plotTitle());
			if (cancelled != null) cancel(cancelled);
			return;
		}
		DiffusionEngine.start();
		Device dev = DiffusionEngine.device(device);
		try (NDManager manager = NDManager.newBaseManager(dev)) {
			TrainingStart start;
			if (resume) start = TrainingStart.resume(out, manager);
			else if (init == null || init.trim().isEmpty()) start = null;
			else {
				UnconditionalModel model = UnconditionalModel.open("init", init);
				start = TrainingStart.fineTune(model, requested, manager);
				UnusedConfigKeys.log(LABEL, model);
			}
			TrainingData data = readData(start == null ? Normalization.percentile() : start.normalization, start ==
				null ? requested : start.settings);
			if (start == null) start = TrainingStart.scratch(preset, data.channels(), requested, manager);
			run(start, data, out, manager);
		}
	}

	private void run(TrainingStart start, TrainingData data, Path out, NDManager manager) throws IOException {
		DiffusionEngine.trainingThread();
		checkChannels(start.unet.config().inChannels, data.channels());
		Trainer trainer = new Trainer(start.unet, start.scheduler, data.planes, start.settings, manager);
		double before = 0;
		if (start.saved != null) {
			TrainingFolder.Saved s = start.saved;
			trainer.restore(s.step, s.weights, s.ema, s.optimizer, s.history);
			if (s.best != null) trainer.restoreBest(s.bestStep, s.bestValue, s.best);
			before = s.seconds;
		}
		IJ.log(LABEL + ": " + start.origin + "; " + data.planes.size() + " plane(s) of " +
			data.description.get("size").getAsString() + ", writing " + out);
		if (trainer.noiseAware()) {
			IJ.log(LABEL + ": noisy data, " + start.settings.noiseRecord(start.settings.objective().key) + "; noise sigma per plane " +
				data.description.get("sigma") + "; the validation value is the estimated denoising error (SURE) on " +
				"held-out noisy patches, and the model saved is the one that scored best");
		}
		long t0 = System.nanoTime();
		double offset = before;
		Trainer.Checkpointer checkpointer = tr -> TrainingFolder.save(out, tr, start.unetConfig,
			start.normalization, data.description, offset + (System.nanoTime() - t0) / 1e9);
		try {
			Progress progress = TrainWorker.inside() ? WorkerProtocol.progress(System.out, progress()) : progress();
			trainer.run(progress, listener(trainer, data, manager), checkpointer);
		}
		catch (CancelledException e) {
			String message = "Training cancelled at step " + trainer.step() + "; the checkpoint in " + out +
				" holds that step (resume=true continues it).";
			IJ.log(LABEL + ": " + message);
			cancel(message);
			return;
		}
		IJ.log(String.format(Locale.ROOT, "%s: done, %d steps, validation loss %.5f; model in %s", LABEL,
			trainer.step(), trainer.history().lastValidation(), out));
		if (trainer.noiseAware()) IJ.log(LABEL + ": " + ModelCard.summary(trainer));
	}

	private TrainingListener listener(Trainer trainer, TrainingData data, NDManager manager) {
		List<TrainingListener> all = new ArrayList<>();
		all.add(new TrainingListener() {
			@Override
			public void validated(long step, double validationLoss) {
				IJ.log(String.format(Locale.ROOT, "%s: step %d, loss %.5f (mean of last 20), validation %.5f", LABEL, step,
					trainer.history().recentLoss(20), validationLoss));
			}
		});
		String previews = System.getProperty(TrainWorker.PREVIEW);
		if (TrainWorker.inside()) all.add(WorkerProtocol.listener(System.out));
		if (windows()) all.add(new TrainingPlot(trainer.history(), plotTitle()));
		if (windows() || TrainWorker.inside() && previews != null) {
			PatchSampler.Plane held = PatchSampler.split(data.planes, trainer.settings().validationFraction,
				trainer.settings().patch).get(1).get(0);
			all.add(new TrainingPreview(trainer, held, manager, previews != null && TrainWorker.inside() ? TrainWorker
				.files(Paths.get(previews), System.out) : TrainingPreview.window()));
		}
		return new TrainingListener() {
			@Override
			public void trained(long step, double loss, double lr, double perSecond) {
				for (TrainingListener l : all) l.trained(step, loss, lr, perSecond);
			}

			@Override
			public void validated(long step, double validationLoss) {
				for (TrainingListener l : all) l.validated(step, validationLoss);
			}

			@Override
			public void checkpointed(long step) {
				for (TrainingListener l : all) l.checkpointed(step);
			}
		};
	}

	/** Whether the loss plot and the preview are shown: a display, not in batch mode, not in a worker. */
	private static boolean windows() {
		return IJ.getInstance() != null && !Interpreter.isBatchMode() && !TrainWorker.inside();
	}

	private String plotTitle() {
		return "Training loss: " + folder.getName();
	}

	/** This run's keys as a macro line gives them, for the worker (the image goes separately). */
	private Map<String, String> keys() {
		Map<String, String> k = new LinkedHashMap<>();
		k.put("folder", folder.getPath());
		k.put("init", init == null ? "" : init);
		k.put("preset", preset);
		k.put("steps", Long.toString(steps));
		k.put("batch", Integer.toString(batch));
		k.put("patch", Integer.toString(patch));
		k.put("lr", Double.toString(lr));
		k.put("prediction", prediction);
		k.put("seed", Long.toString(seed));
		k.put("resume", Boolean.toString(resume));
		k.put("checkpoint_every", Long.toString(checkpoint_every));
		k.put("device", device);
		k.put("noise", noise);
		k.put("sigma", sigma);
		k.put("gain", Double.toString(gain));
		k.put("offset", Double.toString(offset));
		k.put("objective", objective);
		k.put("image_folder", image_folder == null ? "" : image_folder);
		return k;
	}

	private TrainingSettings settings() {
		TrainingSettings s = new TrainingSettings();
		s.steps = steps;
		s.batch = batch;
		s.patch = patch;
		s.learningRate = lr;
		s.prediction = prediction;
		s.seed = seed;
		s.checkpointEvery = checkpoint_every;
		s.validationEvery = Math.max(1, Math.min(50, steps / 10));
		s.noise = TrainingSettings.Noise.of(noise == null ? "" : noise.trim().toLowerCase(Locale.ROOT));
		s.noiseSigma = DenoiseOptions.sigma(sigma);
		String o = objective == null ? "auto" : objective.trim().toLowerCase(Locale.ROOT);
		s.objective = o.isEmpty() || o.equals("auto") ? null : TrainingSettings.Objective.of(o);
		s.gain = gain;
		s.offset = offset;
		ModelPresets.describe(preset); // refuses an unknown preset before anything runs
		return s;
	}

	private TrainingData readData(Normalization normalization, TrainingSettings noiseKeys) {
		if (image_folder != null && !image_folder.trim().isEmpty()) {
			return TrainingData.ofFolder(new File(image_folder), normalization, noiseKeys);
		}
		if (image == null) {
			throw new IllegalArgumentException(LABEL + " needs an open image or stack, or image_folder= with images.");
		}
		return TrainingData.of(image, normalization, noiseKeys);
	}

	/** The model's channels must be the images'; the message says how to make them agree. */
	private void checkChannels(int model, int images) {
		if (model == images) return;
		String problem = "The model takes " + model + " channel(s) but the images have " + images +
			(images == 3 ? " (RGB)" : "") + ". ";
		if (resume) {
			throw new IllegalArgumentException(problem + "resume=true continues the checkpoint's " + model +
				"-channel model: train on images with " + model + " channel(s).");
		}
		String fix = model == 1 ? "Convert the images to grayscale (Image > Type > 8-bit) or split their channels " +
			"(Image > Color > Split Channels) and train on one of them" : "Give images with " + model + " channels";
		throw new IllegalArgumentException(problem + fix + ", or train a " + images + "-channel model from scratch " +
			"(init=[] preset=small).");
	}

	/** Resume needs a checkpoint; a fresh run needs an empty or new folder, since checkpoints replace it. */
	private void checkFolder(Path out) throws IOException {
		if (resume) {
			if (!TrainingFolder.hasState(out)) {
				throw new IllegalArgumentException("resume=true but " + out + " holds no training checkpoint.");
			}
			return;
		}
		if (Files.isRegularFile(out)) throw new IllegalArgumentException("folder=" + out + " is a file, not a folder.");
		if (Files.isDirectory(out)) {
			try (Stream<Path> entries = Files.list(out)) {
				if (entries.findAny().isPresent()) {
					throw new IllegalArgumentException("folder=" + out + " is not empty" + (TrainingFolder.hasState(out)
						? "; it holds a training run: set resume=true to continue it" : "") + ". Choose a new or empty " +
						"folder: checkpoints replace the folder's contents.");
				}
			}
		}
	}
}
