package org.diffusionij.host;

import static org.diffusionij.Fixtures.assertClose;
import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.ImagePlus;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.diffusionij.io.safetensors.SafetensorsReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

/** Generate Samples through its macro line equals diffusers' DDPMPipeline output (output_type="np"). */
class GenerateSamplesCommandTest {

	@TempDir
	Path tmp;

	/**
	 * A DDPM folder as the Hub has them, whose {@code scheduler_config.json} sets {@code variance_type},
	 * {@code clip_sample} and {@code clip_sample_range} (here to {@code fixed_large}, true, 0.5): DPM-Solver built
	 * from it passes over all three, DDIM uses the clipping, and both give diffusers' images for the same seed;
	 * PNDM, Euler and Euler with Karras sigmas give the images of diffusers' pipeline loop with those schedulers
	 * ({@code ddpm_folder_other_schedulers.py} beside the reference made them).
	 */
	@Test
	void otherSchedulersOnADdpmFolderEqualDiffusers() throws Exception {
		Path folder = tmp.resolve("ddpm-folder");
		Files.createDirectories(folder.resolve("unet"));
		Files.createDirectories(folder.resolve("scheduler"));
		Files.copy(fixture("tiny-ddpm/model_index.json"), folder.resolve("model_index.json"));
		for (File f : fixture("tiny-ddpm/unet").toFile().listFiles()) {
			Files.copy(f.toPath(), folder.resolve("unet").resolve(f.getName()), StandardCopyOption.REPLACE_EXISTING);
		}
		JsonObject config = JsonParser.parseString(new String(Files.readAllBytes(fixture(
			"tiny-ddpm/scheduler/scheduler_config.json")), StandardCharsets.UTF_8)).getAsJsonObject();
		config.addProperty("variance_type", "fixed_large");
		config.addProperty("clip_sample", true);
		config.addProperty("clip_sample_range", 0.5);
		Files.write(folder.resolve("scheduler/scheduler_config.json"), config.toString().getBytes(StandardCharsets.UTF_8));

		Context context = CommandCall.newContext();
		try (SafetensorsReader ref = SafetensorsReader.open(fixture("ref/ddpm_folder_other_schedulers.safetensors"))) {
			CommandInfo info = DiffusionCommands.find(context.service(CommandService.class), GenerateSamplesCommand.LABEL);
			for (String[] c : new String[][] { { "DPMSolverMultistep", "dpm_image" }, { "DDIM", "ddim_image" },
				{ "PNDM", "pndm_image" }, { "Euler", "euler_image" }, { "EulerKarras", "euler_karras_image" } }) {
				ImagePlus samples = CommandCall.run(context, info, MacroOptions.parse("model=[" + folder +
					"] scheduler=" + c[0] + " steps=10 seed=0 count=2").asMap(), null, "an image");
				assertEquals(2, samples.getStackSize(), c[0]);
				float[] got = new float[2 * 32 * 32];
				for (int z = 1; z <= 2; z++) {
					System.arraycopy((float[]) samples.getStack().getPixels(z), 0, got, (z - 1) * 32 * 32, 32 * 32);
				}
				// NHWC with C = 1: the planes in order
				assertClose(ref.floats(c[1]), got, 1e-3, c[0]);
			}
		}
		finally {
			context.dispose();
		}
	}

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
