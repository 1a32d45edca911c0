package org.diffusionij.host;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ij.ImagePlus;
import ij.ImageStack;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.pipelines.Floats;
import org.diffusionij.pipelines.StepObserver;
import org.diffusionij.pipelines.UnconditionalModel;
import org.diffusionij.pipelines.UnconditionalPipeline;
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
 * scheduler, the others are built from its config as {@code DDIMScheduler.from_config(...)} does
 * ({@link SchedulerChoice}). {@code keep_steps=true} returns every step instead of the samples, as
 * {@link StepStack}'s hyperstack (values {@code x / 2 + 0.5}, unclamped), its last frame's x<sub>t</sub> being
 * the samples; Show Diffusion Process shows the same loop.
 */
@Plugin(type = Command.class, menuPath = DiffusionCommand.MENU + GenerateSamplesCommand.LABEL, headless = true,
	visible = false)
public class GenerateSamplesCommand extends DiffusionCommand {

	public static final String LABEL = "Generate Samples";

	@Parameter(persist = false, label = "model", style = "directory",
		description = "A diffusers model folder or a bundled model's name.")
	private File model;

	@Parameter(persist = false, label = "scheduler", choices = { "default", "DDPM", "DDIM", "PNDM", "Euler",
		"EulerKarras", "DPMSolverMultistep" }, description = "default: the model folder's own scheduler.")
	private String scheduler = SchedulerChoice.DEFAULT;

	@Parameter(persist = false, label = "steps", min = "1")
	private int steps = 50;

	@Parameter(persist = false, label = "seed")
	private long seed = 0;

	@Parameter(persist = false, label = "count", min = "1")
	private int count = 4;

	@Parameter(persist = false, label = "keep_steps", description = "Return every step instead: x_t and the " +
		"predicted x0 side by side (channels), one frame per step")
	private boolean keep_steps = false;

	@Parameter(type = ItemIO.OUTPUT, label = RESULT)
	private ImagePlus result;

	@Override
	protected void execute() {
		try {
			UnconditionalModel folder = UnconditionalModel.open("model", model == null ? null : model.getPath());
			DiffusionEngine.start();
			DiffusionEngine.inferenceThread();
			try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
				UNet2DModel unet = folder.unet(m);
				UnconditionalPipeline pipeline = new UnconditionalPipeline(unet, folder.scheduler(SchedulerChoice
					.className(scheduler), SchedulerChoice.overrides(scheduler)));
				UnusedConfigKeys.log(LABEL, folder);
				int size = unet.config().sampleSize;
				StepStack kept = keep_steps ? new StepStack(LABEL + " with keep_steps=true", count, unet.config()
					.inChannels, size, size, pipeline.loopSteps(steps, null)) : null;
				NDArray images = pipeline.generate(count, 0, 0, steps, Generator.manualSeed(seed), progress(), kept ==
					null ? StepObserver.NONE : kept, m);
				// x / 2 + 0.5 as the samples, unclamped: the noisy states reach beyond [0, 1]
				result = kept != null ? kept.image(folder.name() + "-steps", p -> {
					for (int i = 0; i < p.length; i++) p[i] = p[i] / 2 + 0.5f;
				}, 0, 1) : stack(images, folder.name() + "-samples");
				images.close();
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException("Cannot read the model: " + e.getMessage(), e);
		}
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
