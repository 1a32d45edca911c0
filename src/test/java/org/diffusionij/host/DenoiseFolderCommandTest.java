package org.diffusionij.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ImageProcessor;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandService;

/** Denoise Folder writes one whole TIFF per image of the input folder, skipping files that are not images. */
class DenoiseFolderCommandTest {

	@TempDir
	Path dir;

	@Test
	void everyImageOfTheFolderGivesOneTiff() throws Exception {
		Path in = Files.createDirectories(dir.resolve("in"));
		Path out = Files.createDirectories(dir.resolve("out"));
		ImageProcessor camera = TestImages.open("skimage_camera.png").getProcessor();
		for (int i = 0; i < 2; i++) {
			camera.setRoi(200 + 40 * i, 100, 48, 40);
			new FileSaver(new ImagePlus("crop", camera.crop())).saveAsPng(in.resolve("crop" + i + ".png").toString());
		}
		Files.write(in.resolve("notes.txt"), "not an image".getBytes());
		Map<String, String> options = new HashMap<>();
		options.put("input_folder", in.toString());
		options.put("output_folder", out.toString());
		options.put("sigma", "10");
		Context context = CommandCall.newContext();
		try {
			CommandCall.run(context, DiffusionCommands.find(context.service(CommandService.class),
				DenoiseFolderCommand.LABEL), options, null);
		}
		finally {
			context.dispose();
		}
		String[] names = out.toFile().list();
		Arrays.sort(names);
		assertArrayEquals(new String[] { "crop0-denoised.tif", "crop1-denoised.tif" }, names, "no temporary files");
		for (String name : names) {
			ImagePlus r = IJ.openImage(new File(out.toFile(), name).getPath());
			assertEquals(48, r.getWidth());
			assertEquals(40, r.getHeight());
			assertEquals(ImagePlus.GRAY32, r.getType());
			assertTrue(r.getStatistics().mean > 0, name);
		}
	}
}
