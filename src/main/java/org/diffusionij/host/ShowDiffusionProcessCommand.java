package org.diffusionij.host;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Plot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.io.ModelCatalog;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.pipelines.Floats;
import org.diffusionij.pipelines.ForwardProcess;
import org.diffusionij.pipelines.NormalizationRange;
import org.diffusionij.pipelines.Progress;
import org.diffusionij.pipelines.StepObserver;
import org.diffusionij.pipelines.TileChoice;
import org.diffusionij.pipelines.UnconditionalModel;
import org.diffusionij.pipelines.UnconditionalPipeline;
import org.diffusionij.pipelines.train.TrainingFolder;
import org.diffusionij.pipelines.train.TrainingSettings;
import org.diffusionij.schedulers.DDPMScheduler;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins › Diffusion › Show Diffusion Process: what a diffusion model does, on the open image (its current
 * plane, normalised to [−1, 1] as Denoise Image normalises it) or, with no image open, on a sample the model
 * generates (Generate Samples' first image for the same seed, steps and scheduler). One of three pictures:
 * <ul>
 * <li>{@code show=forward}: the forward process, the image noised with the scheduler's {@code add_noise} at
 * {@code timesteps=0,50,100} (or {@code frames=N} evenly spaced over the training timesteps) with one noise
 * draw ε for all of them, so the stack shows the same noise growing; each slice label gives t, ᾱ<sub>t</sub>
 * and the SNR 10 log<sub>10</sub>(ᾱ / (1 − ᾱ)) in dB. 32-bit, in the image's intensities.</li>
 * <li>{@code show=reverse}: the reverse process of Generate Samples, from pure noise ({@code start=noise}) or
 * from the image noised to a timestep ({@code start=500}: the {@code steps}-step schedule from its first
 * timestep at or below 500, as image-to-image starts), with x<sub>t</sub> and the predicted x̂₀ of every step
 * as a two-channel hyperstack (see {@link StepStack}).</li>
 * <li>{@code show=schedule}: a plot of ᾱ<sub>t</sub> and the SNR over t with the chosen timesteps marked.</li>
 * </ul>
 * The forward noise is drawn from a generator seeded with {@code seed}, first (with an image) or right after
 * the sample is generated (without), and {@code start=T} noises the image with that same draw, so its first
 * x<sub>t</sub> is the forward slice of the same timestep.
 */
@Plugin(type = Command.class, menuPath = DiffusionCommand.MENU + ShowDiffusionProcessCommand.LABEL, headless = true,
	visible = false)
public class ShowDiffusionProcessCommand extends DiffusionCommand {

	/** The menu label, which is also the name in {@code run("Show Diffusion Process", "...")}. */
	public static final String LABEL = "Show Diffusion Process";

	static final String FORWARD = "forward", REVERSE = "reverse", SCHEDULE = "schedule", NOISE = "noise";

	@Parameter(persist = false, label = IMAGE, required = false)
	private ImagePlus image;

	@Parameter(persist = false, required = false, description = "A diffusers UNet2DModel folder or a bundled " +
		"model's name; empty = the bundled denoiser")
	private String model = "";

	@Parameter(persist = false, choices = { FORWARD, REVERSE, SCHEDULE }, description = "forward: the image " +
		"noised step by step; reverse: x_t and the predicted x0 at every step; schedule: a plot of alpha_bar and SNR")
	private String show = FORWARD;

	@Parameter(persist = false, required = false, description = "Timesteps to show, such as 0,50,100; empty = " +
		"frames evenly spaced")
	private String timesteps = "";

	@Parameter(persist = false, min = "2", description = "How many timesteps, evenly spaced over the training " +
		"timesteps, when timesteps is empty")
	private int frames = 10;

	@Parameter(persist = false, description = "Where the reverse process starts: noise, or a timestep (the image " +
		"noised to it)")
	private String start = NOISE;

	@Parameter(persist = false, choices = { "default", "DDPM", "DDIM", "PNDM", "Euler", "EulerKarras",
		"DPMSolverMultistep" }, description = "default: the model folder's own scheduler")
	private String scheduler = SchedulerChoice.DEFAULT;

	@Parameter(persist = false, min = "1")
	private int steps = 20;

	@Parameter(persist = false)
	private long seed = 0;

	@Parameter(type = ItemIO.OUTPUT, label = RESULT)
	private ImagePlus result;

	@Override
	protected void execute() {
		String name = model == null || model.trim().isEmpty() ? ModelCatalog.DEFAULT_DENOISER : model.trim();
		UnconditionalModel folder;
		try {
			folder = UnconditionalModel.open("model", name);
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot read the model " + name + ": " + e.getMessage(), e);
		}
		ForwardProcess forward = new ForwardProcess(folder.scheduler(DDPMScheduler.CLASS_NAME, null));
		int[] chosen = chosenTimesteps(forward);
		Integer startTimestep = startTimestep(forward);
		if (steps < 1) throw new IllegalArgumentException("steps must be at least 1; got " + steps + ".");
		String source = image == null ? folder.name() + " sample" : stem(image.getTitle());
		if (show.equals(SCHEDULE)) {
			Plot plot = NoiseSchedulePlot.of(folder.name() + " noise schedule", forward, chosen);
			result = plot.getImagePlus();
			result.setTitle(source + "-schedule");
			result.setProperty("Info", info(folder) + NoiseSchedulePlot.table(forward, chosen));
			return;
		}
		Progress progress = progress();
		DiffusionEngine.start();
		DiffusionEngine.inferenceThread();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			boolean needsUnet = show.equals(REVERSE) || image == null;
			UNet2DModel unet = needsUnet ? folder.unet(m) : null;
			if (unet != null && unet.config().inChannels != 1) {
				throw new IllegalArgumentException(folder.name() + " takes " + unet.config().inChannels + "-channel " +
					"images; " + LABEL + " shows one-channel models (the bundled " + ModelCatalog.DEFAULT_DENOISER +
					", or a model trained on a gray stack).");
			}
			UnconditionalPipeline pipeline = unet == null ? null : new UnconditionalPipeline(unet, folder.scheduler(
				SchedulerChoice.className(scheduler), SchedulerChoice.overrides(scheduler)));
			if (unet != null) UnusedConfigKeys.log(LABEL, folder);
			String untrained = show.equals(REVERSE) ? untrainedWarning(folder, forward, startTimestep) : null;
			if (untrained != null) IJ.log(untrained);
			Generator generator = Generator.manualSeed(seed);
			boolean needsClean = show.equals(FORWARD) || startTimestep != null;
			Clean clean = image != null ? Clean.of(image, folder, m) : needsClean ? Clean.generated(pipeline, steps,
				generator, progress, m) : Clean.none(unet.config().sampleSize);
			if (show.equals(FORWARD)) {
				progress.status(LABEL + ": noising at " + chosen.length + " timesteps");
				result = forwardStack(forward, chosen, clean, generator, m, source + "-forward");
			}
			else {
				result = reverse(pipeline, unet, clean, startTimestep, generator, progress, m, source + "-reverse");
			}
			result.setProperty("Info", info(folder) + (show.equals(FORWARD) ? NoiseSchedulePlot.table(forward,
				chosen) : ""));
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot read the model " + name + ": " + e.getMessage(), e);
		}
	}

	private ImagePlus forwardStack(ForwardProcess forward, int[] chosen, Clean clean, Generator generator,
		NDManager m, String title)
	{
		int w = clean.width, h = clean.height;
		long plane = HeapCheck.times(w, h);
		HeapCheck.require(title + " (" + chosen.length + " timesteps of " + w + "×" + h + " pixels in 32-bit)", plane,
			HeapCheck.times(HeapCheck.times(plane, 4), chosen.length), "for the forward process; show fewer " +
				"timesteps or use a smaller image");
		NDArray noised = forward.noised(clean.x0, chosen, generator, m);
		float[] all = Floats.of(noised);
		noised.close();
		ImageStack stack = new ImageStack(w, h);
		for (int k = 0; k < chosen.length; k++) {
			float[] p = Arrays.copyOfRange(all, k * w * h, (k + 1) * w * h);
			clean.toOutput(p);
			stack.addSlice(forward.label(chosen[k]), p);
		}
		ImagePlus imp = new ImagePlus(title, stack);
		imp.setDisplayRange(clean.displayMin, clean.displayMax);
		return imp;
	}

	private ImagePlus reverse(UnconditionalPipeline pipeline, UNet2DModel unet, Clean clean, Integer startTimestep,
		Generator generator, Progress progress, NDManager m, String title)
	{
		int multiple = 1 << (unet.config().blockOutChannels.length - 1);
		if (clean.width % multiple != 0 || clean.height % multiple != 0) {
			throw new IllegalArgumentException("\"" + image.getTitle() + "\" is " + clean.width + "×" + clean.height +
				"; the reverse process of this model needs a width and height that are multiples of " + multiple +
				": crop or scale it (Image › Crop, Image › Adjust › Size).");
		}
		// the whole image goes through the network at once (no tiles: a step's x̂₀ is one picture)
		long pixels = HeapCheck.times(clean.width, clean.height);
		double needed = pixels * TileChoice.bytesPerPixel(unet.config().blockOutChannels);
		long free = FreeMemory.available();
		if (needed > free / 2) {
			throw new IllegalArgumentException("The reverse process runs the network on the whole " + clean.width + "×" +
				clean.height + " image, which needs about " + HeapCheck.size((long) needed) + " of memory, more than half" +
				" of the " + HeapCheck.size(free) + " free. Crop a region (Image › Crop) or scale the image down.");
		}
		StepStack kept = new StepStack(title, 1, 1, clean.width, clean.height, pipeline.loopSteps(steps,
			startTimestep));
		NDArray out;
		if (startTimestep == null) {
			out = pipeline.generate(1, clean.height, clean.width, steps, generator, progress, kept, m);
		}
		else {
			out = pipeline.fromTimestep(clean.x0, startTimestep, steps, generator, progress, kept, m);
		}
		out.close();
		return kept.image(title, clean::toOutput, clean.displayMin, clean.displayMax);
	}

	/**
	 * What the Log says when the reverse process starts above the noise levels the model was trained on (its
	 * {@code training_state.json}: the bundled denoiser learnt σ up to 1, t ≤ 258 of 1000), where the network's
	 * predictions are meaningless and the pictures show that, not diffusion; null when it starts within them or
	 * the folder does not say.
	 */
	static String untrainedWarning(UnconditionalModel folder, ForwardProcess forward, Integer startTimestep) {
		Path state = folder.folder().resolve(TrainingFolder.STATE_JSON);
		if (!Files.isRegularFile(state)) return null;
		int largest;
		try {
			JsonObject settings = ConfigJson.load(state).json().getAsJsonObject("settings");
			if (settings == null) return null;
			largest = TrainingSettings.fromJson(settings).largestTimestep(forward.alphasCumprod());
		}
		catch (IOException | RuntimeException e) {
			return null; // a record this version cannot read: nothing to say
		}
		int from = startTimestep == null ? forward.trainTimesteps() - 1 : startTimestep;
		if (from <= largest) return null;
		return LABEL + ": " + folder.name() + " was trained on timesteps up to " + largest + " (" + TrainingFolder
			.STATE_JSON + "); from " + (startTimestep == null ? "pure noise" : "t=" + from) + " its predictions " +
			"above t=" + largest + " are guesses it never learnt. Use start=" + largest + " or less, or a model " +
			"trained for generation (Train Diffusion on Stack from scratch: init=[]).";
	}

	private int[] chosenTimesteps(ForwardProcess forward) {
		if (timesteps != null && !timesteps.trim().isEmpty()) return forward.parse("timesteps", timesteps);
		return forward.evenlySpaced(frames);
	}

	/** The start timestep, or null for {@code start=noise}. */
	private Integer startTimestep(ForwardProcess forward) {
		String s = start == null ? "" : start.trim();
		if (s.equals(NOISE)) return null;
		int t;
		try {
			t = Integer.parseInt(s);
		}
		catch (NumberFormatException e) {
			throw new IllegalArgumentException("start=" + start + " is neither noise nor a timestep; write " +
				"start=noise (pure noise) or start=500 (the image noised to timestep 500).");
		}
		if (t < 0 || t >= forward.trainTimesteps()) {
			throw new IllegalArgumentException("start=" + t + " is not a training timestep of this model (0 to " +
				(forward.trainTimesteps() - 1) + ").");
		}
		return t;
	}

	private String info(UnconditionalModel folder) {
		return LABEL + "\nmodel=" + folder.folder() + "\ninput=" + (image == null ? "a generated sample" : image
			.getTitle()) + "\nMacro: run(\"" + LABEL + "\", \"" + macroKeys() + "\");\n";
	}

	/** The keys of this run as a macro writes them. */
	String macroKeys() {
		StringBuilder s = new StringBuilder();
		if (model != null && !model.trim().isEmpty()) s.append(MacroOptions.format("model", model.trim())).append(' ');
		s.append("show=").append(show);
		if (show.equals(REVERSE)) {
			s.append(" start=").append(start.trim()).append(" scheduler=").append(scheduler).append(" steps=").append(
				steps);
		}
		else if (timesteps != null && !timesteps.trim().isEmpty()) {
			s.append(" timesteps=").append(timesteps.trim().replace(' ', ','));
		}
		else s.append(" frames=").append(frames);
		if (!show.equals(SCHEDULE)) s.append(" seed=").append(seed);
		return s.toString();
	}

	private static String stem(String title) {
		int dot = title.lastIndexOf('.');
		return dot > 0 ? title.substring(0, dot) : title;
	}

	/**
	 * The clean image x₀ (1×1×H×W in [−1, 1]) and the way back to the output's intensities: the input's range
	 * for an image, diffusers' [0, 1] ({@code x / 2 + 0.5}) for a generated sample.
	 */
	private static final class Clean {
		final NDArray x0;
		final NormalizationRange range;
		final int width, height;
		final double displayMin, displayMax;

		Clean(NDArray x0, NormalizationRange range, int width, int height, double displayMin, double displayMax) {
			this.x0 = x0;
			this.range = range;
			this.width = width;
			this.height = height;
			this.displayMin = displayMin;
			this.displayMax = displayMax;
		}

		/** The current plane of {@code image} (gray; RGB as its luminance), normalised as the model normalises. */
		static Clean of(ImagePlus image, UnconditionalModel folder, NDManager m) {
			float[] plane = ((float[]) image.getProcessor().convertToFloat().getPixels()).clone();
			NormalizationRange range = folder.normalization().fit(plane);
			float[] unit = range.apply(plane);
			for (int i = 0; i < unit.length; i++) unit[i] = unit[i] * 2 - 1;
			int w = image.getWidth(), h = image.getHeight();
			double lo = image.getDisplayRangeMin(), hi = image.getDisplayRangeMax();
			return new Clean(m.create(unit, new Shape(1, 1, h, w)), range, w, h, lo, hi);
		}

		/** Generate Samples' first image for this seed, steps and scheduler. */
		static Clean generated(UnconditionalPipeline pipeline, int steps, Generator generator,
			Progress progress, NDManager m)
		{
			NDArray sample = pipeline.generate(1, 0, 0, steps, generator, progress.prefixed("Sample: "),
				StepObserver.NONE, m);
			NDArray x0 = sample.mul(2).sub(1);
			sample.close();
			Shape s = x0.getShape();
			return new Clean(x0, new NormalizationRange(0, 1), (int) s.get(3), (int) s.get(2), 0, 1);
		}

		/** No clean image: the reverse process from noise at the model's size, in [0, 1]. */
		static Clean none(int size) {
			return new Clean(null, new NormalizationRange(0, 1), size, size, 0, 1);
		}

		/** [−1, 1] to the output's intensities, in place. */
		void toOutput(float[] p) {
			for (int i = 0; i < p.length; i++) p[i] = p[i] / 2 + 0.5f;
			range.invert(p);
		}
	}
}
