package org.diffusionij.host;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ij.IJ;
import ij.ImagePlus;
import ij.Prefs;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.pipelines.Progress;
import org.diffusionij.pipelines.sd.GenerationRequest;
import org.diffusionij.pipelines.sd.MemoryEstimate;
import org.diffusionij.pipelines.sd.StableDiffusionModel;
import org.diffusionij.pipelines.sd.StableDiffusionPipeline;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

/**
 * Plugins › Diffusion › Generate from Prompt: Stable Diffusion 1.x/2.x from a diffusers folder, as diffusers'
 * pipelines compute it, so a folder, settings and seed give the image diffusers gives.
 * <p>
 * With no image, text-to-image. With an open image and {@code strength} below 1, image-to-image from it; with
 * an area selection on it, inpainting of the selection (at any strength; 1 regenerates the selection from
 * noise). The start image's size is the output size then. The result is a new RGB image (a stack for
 * {@code count} > 1) whose Info holds every setting, the seed included, as the macro line that reproduces it.
 * <p>
 * {@code precision=fp16} computes the networks in float16 (soft-max and schedulers stay float32), the default
 * on a GPU; on the CPU it halves the memory but runs slower, which the Log says. Before anything is loaded, a
 * run whose estimated memory exceeds the free memory (physical on the CPU, the GPU's own on a GPU) is refused,
 * naming the largest size that fits.
 */
@Plugin(type = Command.class, menuPath = DiffusionCommand.MENU + GenerateFromPromptCommand.LABEL, headless = true,
	visible = false)
public class GenerateFromPromptCommand extends DiffusionCommand implements DialogDefaults {

	/** The menu label, which is also the name in {@code run("Generate from Prompt", "...")}. */
	public static final String LABEL = "Generate from Prompt";

	/** ImageJ preference key of the last model folder used. */
	static final String MODEL_PREF = "diffusionij.generate.model";


	@Parameter(persist = false, label = DiffusionCommand.IMAGE, required = false)
	private ImagePlus image;

	@Parameter(persist = false, style = FileWidget.DIRECTORY_STYLE, description = "A diffusers Stable Diffusion folder")
	private File model = new File("");

	@Parameter(persist = false)
	private String prompt = "";

	@Parameter(persist = false, required = false, description = "What the image should not show")
	private String negative = "";

	@Parameter(persist = false, description = "A multiple of 8; ignored when starting from an image")
	private int width = 512;

	@Parameter(persist = false, description = "A multiple of 8; ignored when starting from an image")
	private int height = 512;

	@Parameter(persist = false, min = "1")
	private int steps = 50;

	@Parameter(persist = false, description = "Classifier-free guidance scale; 1 or less turns it off")
	private double guidance = 7.5;

	@Parameter(persist = false, choices = { "default", "PNDM", "Euler", "EulerKarras", "DDIM", "DPMSolverMultistep" },
		description = "default: the model folder's own scheduler")
	private String scheduler = SchedulerChoice.DEFAULT;

	@Parameter(persist = false, required = false,
		description = "Blank for a random seed (reported in the Log and the Info)")
	private String seed = "";

	@Parameter(persist = false, min = "1")
	private int count = 1;

	@Parameter(persist = false,
		description = "Below 1 with an open image: image-to-image; with a selection: inpainting")
	private double strength = 1.0;

	@Parameter(persist = false, description = "auto, cpu, gpu or gpu:N")
	private String device = "auto";

	@Parameter(persist = false, choices = { "auto", "fp32", "fp16" },
		description = "auto: fp16 on a GPU, fp32 on the CPU (fp16 on the CPU halves memory but runs slower)")
	private String precision = "auto";

	@Parameter(type = ItemIO.OUTPUT, label = DiffusionCommand.RESULT)
	private ImagePlus result;

	@Override
	protected void execute() {
		long usedSeed = seed();
		GenerationRequest r = request(usedSeed);
		Device dev = DiffusionEngine.device(device);
		DataType dtype = dtype(dev);
		if (model.getPath().isEmpty()) throw new IllegalArgumentException("model is missing: give model=[folder], a " +
			"diffusers Stable Diffusion folder (Download Model from Hub fetches one).");
		Path folder = model.toPath();
		if (!model.isDirectory()) throw new IllegalArgumentException("model=" + model + " is not a folder; choose " +
			"a diffusers Stable Diffusion folder (with model_index.json).");
		DiffusionEngine.inferenceThread();
		try (NDManager manager = NDManager.newBaseManager(dev)) {
			StartImage.apply(image, r, manager);
			checkMemory(folder, r, dtype, dev);
			try (StableDiffusionModel sd = StableDiffusionModel.load(folder, manager, dtype)) {
				Prefs.set(MODEL_PREF, model.getAbsolutePath());
				for (String key : sd.unusedConfigKeys()) IJ.log(LABEL + ": config key not supported, ignored: " + key);
				warnSize(sd.nativeSize(), r);
				IJ.log(LABEL + ": seed " + usedSeed);
				NDArray images;
				try (PreviewWindow preview = PreviewWindow.forGui(prompt)) {
					r.preview = preview;
					images = new StableDiffusionPipeline(sd).generate(r, progress(), manager);
				}
				result = GeneratedImages.toRgb(images, GeneratedImages.title(prompt));
				result.setProperty("Info", GenerationSettings.info(this, usedSeed, r));
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException(e.getMessage(), e);
		}
	}

	private GenerationRequest request(long usedSeed) {
		GenerationRequest r = new GenerationRequest();
		r.prompt = prompt == null ? "" : prompt;
		r.negativePrompt = negative == null ? "" : negative;
		r.width = width;
		r.height = height;
		r.steps = steps;
		r.guidance = guidance;
		SchedulerChoice.apply(scheduler, r);
		r.count = count;
		r.strength = strength;
		r.generator = Generator.manualSeed(usedSeed);
		return r;
	}

	/** The seed typed, or a random one for a blank field. */
	private long seed() {
		String s = seed == null ? "" : seed.trim();
		if (s.isEmpty()) return new SecureRandom().nextInt(Integer.MAX_VALUE);
		try {
			long v = Long.parseLong(s.endsWith(".0") ? s.substring(0, s.length() - 2) : s);
			if (v >= 0 && v <= Integer.MAX_VALUE) return v;
		}
		catch (NumberFormatException e) {
			// reported below
		}
		throw new IllegalArgumentException("seed=" + s + " is not a whole number from 0 to " + Integer.MAX_VALUE +
			" (leave it blank for a random seed).");
	}

	/** The type to compute in: {@code auto} is fp16 on a GPU and fp32 on the CPU. */
	DataType dtype(Device dev) {
		boolean cpu = Device.Type.CPU.equals(dev.getDeviceType());
		String p = precision == null ? "auto" : precision.trim().toLowerCase(Locale.ROOT);
		switch (p) {
			case "auto":
				return cpu ? DataType.FLOAT32 : DataType.FLOAT16;
			case "fp32":
				return DataType.FLOAT32;
			case "fp16":
				if (cpu) IJ.log(LABEL + ": precision=fp16 on the CPU halves the memory but runs slower than fp32 on " +
					"most CPUs.");
				return DataType.FLOAT16;
			default:
				throw new IllegalArgumentException("precision=" + precision + " is not one of auto, fp32, fp16.");
		}
	}

	private void checkMemory(Path folder, GenerationRequest r, DataType dtype, Device dev) throws IOException {
		boolean cpu = Device.Type.CPU.equals(dev.getDeviceType());
		long free = cpu ? FreeMemory.available() : FreeMemory.gpuAvailable(dev.getDeviceId());
		String refusal = estimate(folder, dtype, cpu).refusal(r.width, r.height, r.count, r.guided(), free);
		if (refusal == null) return;
		if (!cpu) refusal = "On " + dev + ": " + refusal;
		if (dtype == DataType.FLOAT32 && estimate(folder, DataType.FLOAT16, cpu).refusal(r.width, r.height, r.count,
			r.guided(), free) == null)
		{
			refusal += " It fits with precision=fp16" + (cpu ? " (slower on the CPU)." : ".");
		}
		throw new IllegalArgumentException(refusal);
	}

	private static MemoryEstimate estimate(Path folder, DataType dtype, boolean cpu) throws IOException {
		MemoryEstimate e = MemoryEstimate.of(folder, dtype);
		return cpu ? e : e.onGpu();
	}

	private static void warnSize(int nativeSize, GenerationRequest r) {
		if (Math.max(r.width, r.height) > nativeSize * 3 / 2 || Math.min(r.width, r.height) < nativeSize / 2) {
			IJ.log(LABEL + ": " + r.width + "×" + r.height + " is far from the model's native " + nativeSize + "×" +
				nativeSize + "; expect repeated or broken content.");
		}
	}

	/** ImageJ's status bar and Esc where ImageJ 1 runs (also inside Fiji), else SciJava's status service. */

	/** The dialog offers the folder used or downloaded last; a macro line always names its model. */
	@Override
	public Map<String, String> dialogDefaults() {
		String last = Prefs.get(MODEL_PREF, "");
		return last.isEmpty() ? Collections.emptyMap() : Collections.singletonMap("model", last);
	}

	String model() {
		return model.getAbsolutePath();
	}

	String prompt() {
		return prompt;
	}

	String negative() {
		return negative == null ? "" : negative;
	}

	String scheduler() {
		return scheduler;
	}

	String device() {
		return device;
	}

	String precision() {
		return precision;
	}
}
