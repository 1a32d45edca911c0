package org.diffusionij.host.train;

import static org.junit.jupiter.api.Assertions.*;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusionij.host.CommandCall;
import org.diffusionij.host.DiffusionCommands;
import org.diffusionij.host.MacroOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

/**
 * Train Diffusion on Stack refuses what cannot work with a message that says what can: a patch that fits the
 * images (a multiple of 8), what to do with RGB images and a one-channel model, and training images inside the
 * folder that checkpoints replace.
 */
class TrainCommandFaultsTest {

	static Context context;
	static CommandInfo info;
	static ImagePlus stack;

	@TempDir
	Path tmp;

	@BeforeAll
	static void setUp() throws Exception {
		context = CommandCall.newContext();
		info = DiffusionCommands.find(context.service(CommandService.class), TrainCommand.LABEL);
		stack = TrainTestData.cityscape();
	}

	@AfterAll
	static void tearDown() {
		context.dispose();
	}

	private static String fails(String macro, ImagePlus image) {
		return assertThrows(RuntimeException.class, () -> CommandCall.run(context, info, MacroOptions.parse(macro)
			.asMap(), image, "an image")).getMessage();
	}

	@Test
	void thePatchSuggestedFitsTheImagesAndIsAMultipleOfEight() throws Exception {
		Path init = TrainTestData.tinyModel(tmp.resolve("tiny"), 1);
		String base = "folder=[" + tmp.resolve("out") + "] init=[" + init + "] steps=2 batch=2 ";
		String tiny = fails(base + "patch=8", new ImagePlus("3x3", new ByteProcessor(3, 3)));
		assertTrue(tiny.contains("larger than an image (3×3)") && tiny.contains("at least 8×8 pixels"), tiny);
		assertFalse(tiny.contains("≤ 3"), tiny);
		ImageProcessor plane = stack.getStack().getProcessor(1).duplicate();
		plane.setRoi(0, 0, 30, 23);
		String small = fails(base + "patch=32", new ImagePlus("30x23", plane.crop()));
		assertTrue(small.contains("choose patch=16 or less (patch is a multiple of 8)"), small);
		assertFalse(Files.exists(tmp.resolve("out")));
	}

	@Test
	void rgbImagesWithAOneChannelModelAreToldWhatToDo() throws Exception {
		Path init = TrainTestData.tinyModel(tmp.resolve("tiny"), 1);
		ImagePlus rgb = new ImagePlus("rgb", stack.getStack().getProcessor(1).convertToRGB());
		String m = fails("folder=[" + tmp.resolve("out") + "] init=[" + init + "] steps=2 batch=2 patch=32", rgb);
		assertTrue(m.startsWith("The model takes 1 channel(s) but the images have 3 (RGB)."), m);
		assertTrue(m.contains("Image > Type > 8-bit") && m.contains("Split Channels"), m);
		assertTrue(m.contains("train a 3-channel model from scratch (init=[] preset=small)"), m);
	}

	@Test
	void trainingImagesInsideTheModelFolderAreRefused() throws Exception {
		Path out = Files.createDirectories(tmp.resolve("model"));
		Path images = Files.createDirectories(out.resolve("images"));
		IJ.saveAsTiff(new ImagePlus("plane", stack.getStack().getProcessor(1)), images.resolve("p.tif").toString());
		String m = fails("image_folder=[" + images + "] folder=[" + out + "] init=[] steps=2 batch=2 patch=32", null);
		assertTrue(m.contains("lies in folder=" + out + ", which every checkpoint replaces"), m);
		assertTrue(Files.isRegularFile(images.resolve("p.tif")), "the images are untouched");
		m = fails("image_folder=[" + out + "] folder=[" + out + "] init=[] resume=true", null);
		assertTrue(m.contains("lies in folder="), m);
	}
}
