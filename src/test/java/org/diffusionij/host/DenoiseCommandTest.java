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
}
