package org.diffusionij.host;

import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Plot;
import ij.process.FloatProcessor;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.io.ModelCatalog;
import org.diffusionij.pipelines.ForwardProcess;
import org.diffusionij.pipelines.NormalizationRange;
import org.diffusionij.pipelines.UnconditionalModel;
import org.diffusionij.pipelines.train.TrainingFolder;
import org.diffusionij.pipelines.train.TrainingSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

/**
 * Show Diffusion Process as a macro calls it: the forward stack is √ᾱ x₀ + √(1−ᾱ) ε of one draw, computed
 * here from the linear betas of the bundled model's config; the reverse hyperstack is Generate Samples' loop
 * (its last x_t is Generate Samples' image, and Generate Samples with keep_steps=true gives the same stack);
 * the schedule plot marks the chosen timesteps; bad keys are refused with messages and the input is untouched.
 */
class ShowDiffusionProcessCommandTest {

	private static final Pattern LABEL = Pattern.compile("t=(\\d+)  ᾱ=([0-9.]+)  SNR=(-?[0-9.]+) dB");

	private static Context context;
	private static CommandInfo show, generate;

	@BeforeAll
	static void start() {
		context = CommandCall.newContext();
		show = DiffusionCommands.find(context.service(CommandService.class), ShowDiffusionProcessCommand.LABEL);
		generate = DiffusionCommands.find(context.service(CommandService.class), GenerateSamplesCommand.LABEL);
	}

	@AfterAll
	static void stop() {
		context.dispose();
	}

	private static ImagePlus run(CommandInfo info, ImagePlus input, String options) {
		return CommandCall.run(context, info, MacroOptions.parse(options).asMap(), input, "an image");
	}

	/** ᾱ_t of DDPM's linear schedule (beta 1e-4 … 0.02 over 1000 steps), in double. */
	private static double[] linearAlphasCumprod() {
		double[] acp = new double[1000];
		double prod = 1;
		for (int t = 0; t < 1000; t++) {
			double beta = 1e-4 + (0.02 - 1e-4) * t / 999;
			prod *= 1 - beta;
			acp[t] = prod;
		}
		return acp;
	}

	@Test
	void forwardSlicesAreOneNoiseDrawGrowingOverTheImage() throws Exception {
		ImagePlus input = TestImages.open("boats_crop.png");
		long before = TestImages.checksum(input);
		int[] ts = { 0, 100, 400, 999 };
		ImagePlus stack = run(show, input, "show=forward timesteps=0,100,400,999 seed=7");
		assertEquals(TestImages.checksum(input), before, "the input is untouched");
		assertEquals(4, stack.getStackSize());
		assertEquals(32, stack.getBitDepth());
		assertEquals("boats_crop-forward", stack.getTitle());

		int w = input.getWidth(), h = input.getHeight();
		float[] pixels = (float[]) input.getProcessor().convertToFloat().getPixels();
		NormalizationRange range = UnconditionalModel.open("model", ModelCatalog.DEFAULT_DENOISER).normalization()
			.fit(pixels.clone());
		double scale = range.high() - range.low();
		float[] eps;
		DiffusionEngine.start();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			eps = Generator.manualSeed(7).randn(m, new Shape(1, 1, h, w)).toFloatArray();
		}
		double[] acp = linearAlphasCumprod();
		for (int k = 0; k < ts.length; k++) {
			int t = ts[k];
			Matcher label = LABEL.matcher(stack.getStack().getSliceLabel(k + 1));
			assertTrue(label.matches(), stack.getStack().getSliceLabel(k + 1));
			assertEquals(t, Integer.parseInt(label.group(1)));
			assertEquals(acp[t], Double.parseDouble(label.group(2)), 6e-5, "ᾱ of t=" + t);
			assertEquals(10 * Math.log10(acp[t] / (1 - acp[t])), Double.parseDouble(label.group(3)), 0.06, "SNR of " +
				"t=" + t);
			float[] got = (float[]) stack.getStack().getPixels(k + 1);
			double worst = 0;
			for (int i = 0; i < got.length; i++) {
				double x0 = (pixels[i] - range.low()) / scale * 2 - 1;
				double xt = Math.sqrt(acp[t]) * x0 + Math.sqrt(1 - acp[t]) * eps[i];
				double expected = (xt + 1) / 2 * scale + range.low();
				worst = Math.max(worst, Math.abs(got[i] - expected));
			}
			assertTrue(worst < 1e-3 * scale, "t=" + t + ": off by " + worst);
		}
		// t = 0 is the image itself up to noise of σ √(1 − ᾱ₀) = 1 % of the range
		float[] first = (float[]) stack.getStack().getPixels(1);
		double err = 0;
		for (int i = 0; i < first.length; i++) err += Math.abs(first[i] - pixels[i]);
		assertTrue(err / first.length < 0.01 * scale, "mean error " + err / first.length);
		// t = 999 has nothing of the image left: no correlation with it
		double late = correlation((float[]) stack.getStack().getPixels(4), pixels);
		double early = correlation((float[]) stack.getStack().getPixels(2), pixels);
		assertTrue(Math.abs(late) < 0.05, "t=999: " + late);
		assertTrue(early > 0.5, "t=100: " + early);
	}

	private static double correlation(float[] a, float[] b) {
		double ma = 0, mb = 0;
		for (int i = 0; i < a.length; i++) {
			ma += a[i];
			mb += b[i];
		}
		ma /= a.length;
		mb /= b.length;
		double sab = 0, saa = 0, sbb = 0;
		for (int i = 0; i < a.length; i++) {
			sab += (a[i] - ma) * (b[i] - mb);
			saa += (a[i] - ma) * (a[i] - ma);
			sbb += (b[i] - mb) * (b[i] - mb);
		}
		return sab / Math.sqrt(saa * sbb);
	}

	@Test
	void framesAreEvenlySpacedAndOmittedKeysTakeTheirDefaults() {
		ImagePlus input = TestImages.open("boats_crop.png");
		ImagePlus stack = run(show, input, "");
		assertEquals(10, stack.getStackSize(), "frames=10 by default");
		assertTrue(stack.getStack().getSliceLabel(1).startsWith("t=0 "), stack.getStack().getSliceLabel(1));
		assertTrue(stack.getStack().getSliceLabel(2).startsWith("t=111 "), stack.getStack().getSliceLabel(2));
		assertTrue(stack.getStack().getSliceLabel(10).startsWith("t=999 "), stack.getStack().getSliceLabel(10));
		String info = (String) stack.getProperty("Info");
		assertTrue(info.contains("run(\"Show Diffusion Process\", \"show=forward frames=10 seed=0\");"), info);
		assertEquals(4, run(show, input, "frames=4").getStackSize());
	}

	/** The reverse hyperstack is the loop of Generate Samples: same last image, same kept stack. */
	@Test
	void reverseFromNoiseIsGenerateSamplesStepByStep() {
		String model = "model=[" + fixture("tiny-ddpm") + "]";
		for (String scheduler : new String[] { "DDPM", "DPMSolverMultistep", "Euler" }) {
			String keys = model + " scheduler=" + scheduler + " steps=4 seed=3";
			ImagePlus steps = run(show, null, keys + " show=reverse start=noise");
			assertArrayEquals(new int[] { 32, 32, 2, 1, 4 }, steps.getDimensions(), scheduler);
			assertTrue(steps.isHyperStack());
			assertTrue(steps.getStack().getSliceLabel(7).startsWith("x_t, step 4/4, after the step from t="), scheduler);
			if (scheduler.equals("DDPM")) assertEquals("x_t, step 4/4, after the step from t=0", steps.getStack()
				.getSliceLabel(7));
			assertTrue(steps.getStack().getSliceLabel(8).startsWith("x̂₀, step 4/4, predicted at t="), scheduler);
			ImagePlus sample = run(generate, null, keys + " count=1");
			float[] expected = (float[]) sample.getProcessor().getPixels();
			float[] last = (float[]) steps.getStack().getPixels(steps.getStackIndex(1, 1, 4));
			float[] lastOriginal = (float[]) steps.getStack().getPixels(steps.getStackIndex(2, 1, 4));
			for (int i = 0; i < expected.length; i++) {
				assertEquals(expected[i], Math.max(0, Math.min(1, last[i])), 1e-6, scheduler + " pixel " + i);
				// the last step lands on the prediction: DDPM's and Euler's pred_original_sample, DPM-Solver's from
				// the model output and prediction_type
				assertEquals(lastOriginal[i], last[i], 1e-4, scheduler + " x̂₀ at pixel " + i);
			}
			ImagePlus kept = run(generate, null, keys + " count=1 keep_steps=true");
			assertArrayEquals(steps.getDimensions(), kept.getDimensions());
			for (int s = 1; s <= steps.getStackSize(); s++) {
				assertArrayEquals((float[]) steps.getStack().getPixels(s), (float[]) kept.getStack().getPixels(s),
					scheduler + " slice " + s);
				assertEquals(steps.getStack().getSliceLabel(s), kept.getStack().getSliceLabel(s));
			}
			// the first steps are still noisy: x_t far from x̂₀
			float[] x1 = (float[]) steps.getStack().getPixels(1), o1 = (float[]) steps.getStack().getPixels(2);
			double diff = 0;
			for (int i = 0; i < x1.length; i++) diff += Math.abs(x1[i] - o1[i]);
			assertTrue(diff / x1.length > 0.05, scheduler + ": " + diff / x1.length);
		}
	}

	/** PNDM returns no x̂₀: the hyperstack's comes from the model output and prediction_type, and is finite. */
	@Test
	void pndmStepsHaveAnOriginalEstimateToo() {
		ImagePlus steps = run(show, null, "model=[" + fixture("tiny-ddpm") + "] show=reverse scheduler=PNDM steps=5 " +
			"seed=4");
		assertEquals(2, steps.getNChannels());
		float[] last = (float[]) steps.getStack().getPixels(steps.getStackIndex(1, 1, steps.getNFrames()));
		float[] original = (float[]) steps.getStack().getPixels(steps.getStackIndex(2, 1, steps.getNFrames()));
		double diff = 0;
		for (int i = 0; i < last.length; i++) {
			assertTrue(Float.isFinite(original[i]), "pixel " + i);
			diff += Math.abs(last[i] - original[i]);
		}
		assertTrue(diff / last.length < 0.1, "the last x̂₀ is near the last sample: " + diff / last.length);
	}

	@Test
	void keepStepsGivesABatchAsSlices() {
		ImagePlus kept = run(generate, null, "model=[" + fixture("tiny-ddpm") + "] scheduler=DDIM steps=2 seed=1 " +
			"count=3 keep_steps=true");
		assertArrayEquals(new int[] { 32, 32, 2, 3, 2 }, kept.getDimensions());
		ImagePlus samples = run(generate, null, "model=[" + fixture("tiny-ddpm") + "] scheduler=DDIM steps=2 seed=1 " +
			"count=3");
		for (int z = 1; z <= 3; z++) {
			float[] s = (float[]) samples.getStack().getPixels(z);
			float[] x = (float[]) kept.getStack().getPixels(kept.getStackIndex(1, z, 2));
			for (int i = 0; i < s.length; i++) assertEquals(s[i], Math.max(0, Math.min(1, x[i])), 1e-6);
		}
	}

	/** From an image noised to a timestep: the schedule's steps at or below it, in the image's intensities. */
	@Test
	void reverseFromATimestepStartsThereAndStaysInTheImagesRange() {
		ImagePlus boats = TestImages.open("boats_crop.png");
		boats.setRoi(40, 30, 64, 48);
		ImagePlus input = boats.crop();
		input.setTitle("boats_crop.png");
		long before = TestImages.checksum(input);
		ImagePlus steps = run(show, input, "model=[" + fixture("tiny-ddpm") + "] show=reverse start=500 " +
			"scheduler=DDIM steps=10 seed=1");
		assertEquals(before, TestImages.checksum(input));
		// DDIM's leading 10-step schedule: 900, 800, …, 0; at or below 500: six steps
		assertArrayEquals(new int[] { 64, 48, 2, 1, 6 }, steps.getDimensions());
		assertEquals("x_t, step 1/6, after the step from t=500", steps.getStack().getSliceLabel(1));
		assertEquals("x̂₀, step 6/6, predicted at t=0", steps.getStack().getSliceLabel(12));
		assertEquals(input.getDisplayRangeMax(), steps.getDisplayRangeMax());
		String message = assertThrows(IllegalStateException.class, () -> run(show, input, "model=[" + fixture(
			"tiny-ddpm") + "] show=reverse start=50 scheduler=DPMSolverMultistep steps=3")).getMessage();
		// DPM-Solver with the folder's leading spacing: 750, 500, 250
		assertEquals("No step of the 3-step schedule starts at or below timestep 50 (the last one is 250): start " +
			"later or use more steps.", message);
	}

	/** The bundled denoiser learnt σ ≤ 1 only: a reverse process from higher noise is named as untrained. */
	@Test
	void trainedTimestepsOfTheBundledModel() throws Exception {
		float[] acp = UnconditionalModel.open("model", ModelCatalog.DEFAULT_DENOISER).scheduler().schedule()
			.alphasCumprod();
		TrainingSettings bundled = TrainingSettings.fromJson(ConfigJson.load(ModelCatalog.resolve("model",
			ModelCatalog.DEFAULT_DENOISER).resolve(TrainingFolder.STATE_JSON)).json().getAsJsonObject("settings"));
		int largest = bundled.largestTimestep(acp);
		assertEquals(258, largest, "the README says so");
		assertTrue(Math.sqrt((1 - acp[largest]) / acp[largest]) <= 1, "σ at " + largest);
		assertTrue(Math.sqrt((1 - acp[largest + 1]) / acp[largest + 1]) > 1, "σ at " + (largest + 1));
		assertEquals(999, new TrainingSettings().largestTimestep(acp), "uniform over all timesteps");
		UnconditionalModel folder = UnconditionalModel.open("model", ModelCatalog.DEFAULT_DENOISER);
		ForwardProcess forward = new ForwardProcess(folder.scheduler());
		assertEquals("Show Diffusion Process: denoise-gray was trained on timesteps up to 258 (training_state.json); " +
			"from pure noise its predictions above t=258 are guesses it never learnt. Use start=258 or less, or a " +
			"model trained for generation (Train Diffusion on Stack from scratch: init=[]).", ShowDiffusionProcessCommand
				.untrainedWarning(folder, forward, null));
		assertTrue(ShowDiffusionProcessCommand.untrainedWarning(folder, forward, 300).contains("from t=300"));
		assertNull(ShowDiffusionProcessCommand.untrainedWarning(folder, forward, 258));
		assertNull(ShowDiffusionProcessCommand.untrainedWarning(UnconditionalModel.open("model", fixture("tiny-ddpm")
			.toString()), forward, null), "a folder without a training record says nothing");
	}

	@Test
	void theSchedulePlotMarksTheChosenTimesteps() {
		ImagePlus image = run(show, null, "show=schedule timesteps=0,100,500");
		Plot plot = (Plot) image.getProperty(Plot.PROPERTY_KEY);
		assertNotNull(plot, "a Plot, not only its picture");
		float[][] alpha = plot.getDataObjectArrays(0);
		assertEquals(1000, alpha[0].length);
		float[][] marks = plot.getDataObjectArrays(2);
		assertArrayEquals(new float[] { 0, 100, 500 }, marks[0]);
		double[] acp = linearAlphasCumprod();
		for (int k = 0; k < 3; k++) assertEquals(acp[(int) marks[0][k]], marks[1][k], 1e-5);
		assertTrue(((String) image.getProperty("Info")).contains("100\t0.8"), (String) image.getProperty("Info"));
	}

	@Test
	void badKeysAreRefusedWithWhatToWrite() {
		ImagePlus input = TestImages.open("boats_crop.png");
		Map<String, String> expected = new HashMap<>();
		expected.put("timesteps=0,ten", "timesteps=0,ten: 'ten' is not a whole number; write timesteps as " +
			"timesteps=0,100,500.");
		expected.put("timesteps=1000", "timesteps=1000: 1000 is not a training timestep of this model (0 to 999).");
		expected.put("frames=1", "frames must be between 2 and the model's 1000 training timesteps; got 1.");
		expected.put("show=reverse start=pure", "start=pure is neither noise nor a timestep; write start=noise " +
			"(pure noise) or start=500 (the image noised to timestep 500).");
		expected.put("show=reverse start=1000", "start=1000 is not a training timestep of this model (0 to 999).");
		expected.put("show=backward", "show=backward is not one of [forward, reverse, schedule]");
		expected.put("scheduler=LMS", "scheduler=LMS is not one of [default, DDPM, DDIM, PNDM, Euler, EulerKarras, " +
			"DPMSolverMultistep]");
		for (Map.Entry<String, String> e : expected.entrySet()) {
			String message = assertThrows(RuntimeException.class, () -> run(show, input, e.getKey())).getMessage();
			assertEquals(e.getValue(), message, e.getKey());
		}
		String unknown = assertThrows(IllegalArgumentException.class, () -> run(show, input, "frame=3")).getMessage();
		assertEquals("\"Show Diffusion Process\" has no key 'frame'. Its keys are: model, show, timesteps, frames, " +
			"start, scheduler, steps, seed.", unknown);
		ImageStack odd = new ImageStack(31, 30);
		odd.addSlice(new FloatProcessor(31, 30));
		String size = assertThrows(IllegalStateException.class, () -> run(show, new ImagePlus("odd.tif", odd),
			"model=[" + fixture("tiny-ddpm") + "] show=reverse")).getMessage();
		assertEquals("\"odd.tif\" is 31×30; the reverse process of this model needs a width and height that are " +
			"multiples of 2: crop or scale it (Image › Crop, Image › Adjust › Size).", size);
	}

	@Test
	void keptStepsThatDoNotFitTheHeapAreRefusedBeforeTheLoop() {
		String message = assertThrows(IllegalArgumentException.class, () -> new StepStack("Generate Samples with " +
			"keep_steps=true", 4, 1, 40000, 40000, 50)).getMessage();
		assertTrue(message.startsWith("Generate Samples with keep_steps=true (50 steps of 40000×40000 pixels, 4 " +
			"planes, x_t and x̂₀ in 32-bit) needs 2.3 TiB of Java heap to keep its steps; use fewer steps or a " +
			"smaller image, but "), message);
	}
}
