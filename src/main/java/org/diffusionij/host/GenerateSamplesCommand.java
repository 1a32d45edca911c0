package org.diffusionij.host;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ij.ImagePlus;
import ij.ImageStack;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.io.ModelCatalog;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.pipelines.Floats;
import org.diffusionij.pipelines.UnconditionalPipeline;
import org.diffusionij.schedulers.Scheduler;
import org.diffusionij.schedulers.Schedulers;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins › Diffusion › Generate Samples: what a trained model generates from pure noise, the first look at a
 * model. Runs diffusers' {@code DDPMPipeline} (or the same with another scheduler) on the folder's UNet and
 * returns a 32-bit stack of {@code count} samples (a hyperstack with channels for a multi-channel model) with
 * the values of diffusers' {@code output_type="np"}: {@code (x / 2 + 0.5)} clamped to [0, 1]. The same folder,
 * scheduler, steps and seed give diffusers' images with {@code generator=torch.Generator().manual_seed(seed)}.
 * <p>
 * {@code model} is a model folder or a bundled model's name; {@code scheduler=default} uses the folder's own
 * scheduler, the others are built from its config as {@code DDIMScheduler.from_config(...)} does.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Diffusion>Generate Samples")
public class GenerateSamplesCommand extends DiffusionCommand {

	public static final String LABEL = "Generate Samples";

	@Parameter(label = "model", style = "directory", description = "A diffusers model folder or a bundled model's name.")
	private File model;

	@Parameter(label = "scheduler", choices = { "default", "DDPM", "DDIM", "DPMSolverMultistep" },
		description = "default: the model folder's own scheduler.")
	private String scheduler = "default";

	@Parameter(label = "steps", min = "1")
	private int steps = 50;

	@Parameter(label = "seed")
	private long seed = 0;

	@Parameter(label = "count", min = "1")
	private int count = 4;

	@Parameter(type = ItemIO.OUTPUT, label = ImageDiffusionCommand.RESULT)
	private ImagePlus result;

	@Override
	protected void execute() {
		try {
			Path folder = folder();
			DiffusionEngine.start();
			DiffusionEngine.inferenceThread();
			try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
				UNet2DModel unet = UNet2DModel.fromFolder(folder.resolve("unet"), m);
				ConfigJson config = ConfigJson.load(folder.resolve("scheduler/scheduler_config.json"));
				Scheduler s = scheduler.equals("default") ? Schedulers.fromConfig(config)
					: Schedulers.create(scheduler + "Scheduler", config);
				NDArray images = new UnconditionalPipeline(unet, s).generate(count, 0, steps, seed, new IJProgress(), m);
				result = stack(images, folder.getFileName() + "-samples");
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot read the model: " + e.getMessage(), e);
		}
	}

	private Path folder() throws IOException {
		if (model == null) throw new IllegalArgumentException("Set model= to a diffusers model folder.");
		Path p = model.toPath();
		if (!Files.isDirectory(p)) {
			ModelCatalog.Entry bundled = ModelCatalog.bundled(GenerateSamplesCommand.class).find(model.getPath());
			if (bundled == null) throw new IllegalArgumentException("model=" + model + " is not a folder or a bundled model.");
			p = bundled.folder;
		}
		if (!Files.isRegularFile(p.resolve("unet/config.json")) ||
			!Files.isRegularFile(p.resolve("scheduler/scheduler_config.json")))
		{
			throw new IllegalArgumentException("model=" + p + " is not an unconditional diffusers model: it needs " +
				"unet/config.json and scheduler/scheduler_config.json.");
		}
		return p;
	}

	private static ImagePlus stack(NDArray nchw, String title) {
		long[] s = nchw.getShape().getShape();
		int n = (int) s[0], c = (int) s[1], h = (int) s[2], w = (int) s[3];
		float[] data = Floats.of(nchw);
		ImageStack stack = new ImageStack(w, h);
		for (int i = 0; i < n * c; i++) {
			float[] plane = new float[h * w];
			System.arraycopy(data, i * h * w, plane, 0, h * w);
			stack.addSlice("sample " + (i / c + 1) + (c > 1 ? " channel " + (i % c + 1) : ""), plane);
		}
		ImagePlus imp = new ImagePlus(title, stack);
		imp.setDimensions(c, n, 1);
		imp.setDisplayRange(0, 1);
		return imp;
	}
}
