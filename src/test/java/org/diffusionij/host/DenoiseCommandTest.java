package org.diffusionij.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.diffusionij.pipelines.NoiseEstimation;
import org.diffusionij.pipelines.QualityMetrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

/**
 * Denoise Image as scripts call it, with the bundled model: a noisy 16-bit two-slice stack gives a new image
 * of the same size, calibration and scale (float by default, 16-bit on request), each slice better than its
 * input, the settings and σ estimates in its Info, and the input untouched.
 */
class DenoiseCommandTest {

	private static final double SIGMA = 25 * 257;
	private static Context context;
	private static CommandInfo info;
	private static ImageStack clean;

	@BeforeAll
	static void start() {
		context = CommandCall.newContext();
		info = DiffusionCommands.find(context.service(CommandService.class), DenoiseCommand.LABEL);
		ImageProcessor camera = TestImages.open("skimage_camera.png").getProcessor();
		clean = new ImageStack(128, 96);
		for (int s = 0; s < 2; s++) {
			camera.setRoi(192 - 64 * s, 64 + 96 * s, 128, 96);
			ImageProcessor crop = camera.crop().convertToShort(false);
			crop.multiply(257);
			clean.addSlice(crop);
		}
	}

	@AfterAll
	static void stop() {
		context.dispose();
	}

	private static ImagePlus noisyStack() {
		Random random = new Random(11);
		ImageStack stack = new ImageStack(clean.getWidth(), clean.getHeight());
		for (int s = 1; s <= clean.getSize(); s++) {
			ShortProcessor p = (ShortProcessor) clean.getProcessor(s).duplicate();
			for (int i = 0; i < p.getPixelCount(); i++) {
				p.setf(i, (float) Math.max(0, Math.min(65535, Math.round(p.getf(i) + SIGMA * random.nextGaussian()))));
			}
			stack.addSlice(p);
		}
		ImagePlus imp = new ImagePlus("noisy camera.tif", stack);
		Calibration cal = imp.getCalibration();
		cal.pixelWidth = cal.pixelHeight = 0.25;
		cal.setUnit("µm");
		return imp;
	}

	private static ImagePlus run(ImagePlus input, String... keyValues) {
		Map<String, String> options = new HashMap<>();
		for (int i = 0; i < keyValues.length; i += 2) options.put(keyValues[i], keyValues[i + 1]);
		return CommandCall.run(context, info, options, input, "an image");
	}

	@Test
	void aNoisySixteenBitStackGivesANewDenoisedImageInItsScale() {
		ImagePlus input = noisyStack();
		long before = TestImages.checksum(input);
		ImagePlus result = run(input, "sigma", "auto");
		assertEquals(before, TestImages.checksum(input), "the input is untouched");
		assertEquals("noisy camera-denoised", result.getTitle());
		assertEquals(ImagePlus.GRAY32, result.getType());
		assertEquals(2, result.getStackSize());
		assertEquals(0.25, result.getCalibration().pixelWidth);
		assertEquals("µm", result.getCalibration().getUnit());
		String infoText = (String) result.getProperty("Info");
		assertTrue(infoText.contains("sigma=auto") && infoText.contains("estimated sigma (image units) per plane: "),
			infoText);
		String estimates = infoText.split("per plane: ")[1].split("\n")[0];
		String[] reported = estimates.split(", ");
		assertEquals(2, reported.length, infoText);
		for (int s = 1; s <= 2; s++) {
			// the clipped 16-bit noise is below SIGMA; the report must be the estimate of each slice
			float[] slice = (float[]) input.getStack().getProcessor(s).convertToFloat().getPixels();
			double estimate = NoiseEstimation.estimate(slice, input.getWidth(), input.getHeight());
			assertEquals(estimate, Double.parseDouble(reported[s - 1]), 1e-3 * estimate, infoText);
			assertEquals(SIGMA, estimate, 0.2 * SIGMA, "a plausible estimate");
		}
		for (int s = 1; s <= 2; s++) {
			float[] ref = (float[]) clean.getProcessor(s).convertToFloat().getPixels();
			double noisy = QualityMetrics.psnr(ref, (float[]) input.getStack().getProcessor(s).convertToFloat()
				.getPixels(), 65535);
			double denoised = QualityMetrics.psnr(ref, (float[]) result.getStack().getProcessor(s).getPixels(), 65535);
			assertTrue(denoised >= noisy + 5, "slice " + s + ": input " + noisy + " dB, result " + denoised + " dB");
		}
	}

	@Test
	void sameAsInputGivesSixteenBits() {
		ImagePlus result = run(noisyStack(), "sigma", String.valueOf(SIGMA), "output_type", "same-as-input");
		assertEquals(ImagePlus.GRAY16, result.getType());
		double mean = result.getStatistics().mean;
		assertEquals(clean.getProcessor(1).getStatistics().mean, mean, 0.05 * mean, "the 16-bit scale is kept");
	}

	@Test
	void aWrongSigmaIsRefusedWithAMessage() {
		IllegalStateException e = assertThrows(IllegalStateException.class, () -> run(noisyStack(), "sigma", "lots"));
		assertTrue(e.getMessage().contains("sigma=lots") && e.getMessage().contains("sigma=auto"), e.getMessage());
	}

	@Test
	void aMissingModelFolderIsNamed() {
		IllegalStateException e = assertThrows(IllegalStateException.class, () -> run(noisyStack(), "model",
			"no/such/model"));
		assertTrue(e.getMessage().contains("model=no/such/model"), e.getMessage());
	}

	/**
	 * mode=sample with keep_steps=true: a C=2 hyperstack (x_t, x̂₀) with a Z slice per plane and a frame per step
	 * whose last x_t is the denoised image of the same run without keep_steps (the chains averaged as the result is).
	 */
	@Test
	void keepStepsReturnsEveryStepOfTheSameReverseProcess() {
		ImagePlus input = noisyStack();
		long before = TestImages.checksum(input);
		String[] keys = { "sigma", String.valueOf(SIGMA), "mode", "sample", "sampler", "ddpm", "samples", "2", "steps",
			"3", "seed", "5" };
		ImagePlus plain = run(input, keys);
		String[] kept = java.util.Arrays.copyOf(keys, keys.length + 2);
		kept[keys.length] = "keep_steps";
		kept[keys.length + 1] = "true";
		ImagePlus steps = run(input, kept);
		assertEquals(before, TestImages.checksum(input), "the input is untouched");
		assertEquals("[128, 96, 2, 2, 3]", java.util.Arrays.toString(steps.getDimensions()));
		assertEquals("noisy camera-steps", steps.getTitle());
		assertTrue(steps.getStack().getSliceLabel(steps.getStackIndex(1, 2, 1)).startsWith("x_t image 2, step 1/3, " +
			"after the step from t="), steps.getStack().getSliceLabel(steps.getStackIndex(1, 2, 1)));
		assertEquals(0.25, steps.getCalibration().pixelWidth);
		for (int z = 1; z <= 2; z++) {
			float[] expected = (float[]) plain.getStack().getPixels(z);
			float[] last = (float[]) steps.getStack().getPixels(steps.getStackIndex(1, z, 3));
			double worst = 0;
			for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - last[i]));
			assertTrue(worst < 0.5, "slice " + z + ": off by " + worst + " of 65535");
			// the first step's state is still noisy, its x̂₀ already smooth
			float[] x1 = (float[]) steps.getStack().getPixels(steps.getStackIndex(1, z, 1));
			float[] o1 = (float[]) steps.getStack().getPixels(steps.getStackIndex(2, z, 1));
			assertTrue(NoiseEstimation.estimate(x1, 128, 96) > 2 * NoiseEstimation.estimate(o1, 128, 96), "slice " + z);
		}
		IllegalStateException mean = assertThrows(IllegalStateException.class, () -> run(input, "keep_steps", "true"));
		assertEquals("keep_steps=true keeps the steps of mode=sample; mode=mean has no steps to keep.", mean
			.getMessage());
	}
}
