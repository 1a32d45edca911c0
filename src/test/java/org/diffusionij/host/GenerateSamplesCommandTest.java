package org.diffusionij.host;

import static org.diffusionij.Fixtures.assertClose;
import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import ij.ImagePlus;
import org.diffusionij.io.safetensors.SafetensorsReader;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

/** Generate Samples through its macro line equals diffusers' DDPMPipeline output (output_type="np"). */
class GenerateSamplesCommandTest {

	@Test
	void ddpmSamplesEqualDiffusers() throws Exception {
		Context context = CommandCall.newContext();
		try {
			CommandInfo info = DiffusionCommands.find(context.service(CommandService.class), GenerateSamplesCommand.LABEL);
			ImagePlus samples = CommandCall.run(context, info, MacroOptions.parse("model=[" + fixture("tiny-ddpm") +
				"] scheduler=DDPM steps=10 seed=0 count=1").asMap(), null, "an image");
			assertEquals(32, samples.getWidth());
			assertEquals(32, samples.getBitDepth());
			assertEquals(1, samples.getStackSize());
			float[] got = (float[]) samples.getProcessor().getPixels();
			try (SafetensorsReader ref = SafetensorsReader.open(fixture("ref/ddpm_pipeline.safetensors"))) {
				// NHWC with C = 1: the plane's order
				assertClose(ref.floats("image"), got, 1e-3, "image");
			}
		}
		finally {
			context.dispose();
		}
	}

	@Test
	void countGivesAStackOfSamplesInZeroToOne() throws Exception {
		Context context = CommandCall.newContext();
		try {
			CommandInfo info = DiffusionCommands.find(context.service(CommandService.class), GenerateSamplesCommand.LABEL);
			ImagePlus samples = CommandCall.run(context, info, MacroOptions.parse("model=[" + fixture("tiny-ddpm") +
				"] scheduler=DDIM steps=3 seed=1 count=3").asMap(), null, "an image");
			assertEquals(3, samples.getNSlices());
			for (int z = 1; z <= 3; z++) {
				for (float v : (float[]) samples.getStack().getPixels(z)) assertTrue(v >= 0 && v <= 1, "value " + v);
			}
			assertNotEquals(samples.getStack().getProcessor(1).getf(100), samples.getStack().getProcessor(2).getf(100));
			String message = assertThrows(IllegalStateException.class, () -> CommandCall.run(context, info,
				MacroOptions.parse("model=[" + fixture("ref") + "]").asMap(), null, "an image")).getMessage();
			assertTrue(message.contains("unet/config.json"), message);
		}
		finally {
			context.dispose();
		}
	}
}
