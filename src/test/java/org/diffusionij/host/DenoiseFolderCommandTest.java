package org.diffusionij.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ImageProcessor;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.app.StatusService;
import org.scijava.app.event.StatusEvent;
import org.scijava.command.CommandService;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;

/**
 * Denoise Folder writes one whole TIFF per image of the input folder, skipping files that are not images; it
 * loads the model once and shows each file's progress.
 */
class DenoiseFolderCommandTest {

	@TempDir
	Path dir;

	private Path twoCrops() throws Exception {
		Path in = Files.createDirectories(dir.resolve("in"));
		ImageProcessor camera = TestImages.open("skimage_camera.png").getProcessor();
		for (int i = 0; i < 2; i++) {
			camera.setRoi(200 + 40 * i, 100, 48, 40);
			new FileSaver(new ImagePlus("crop", camera.crop())).saveAsPng(in.resolve("crop" + i + ".png").toString());
		}
		return in;
	}

	/** Status messages and the progress bar's last value and maximum, as Fiji's status bar gets them. */
	public static final class StatusLog {
		final List<String> messages = new ArrayList<>();
		final String first;
		final Runnable onFirst;
		int value, maximum;

		/** @param onFirst runs at the first message that starts with {@code first} */
		StatusLog(String first, Runnable onFirst) {
			this.first = first;
			this.onFirst = onFirst;
		}

		@EventHandler
		public void onEvent(StatusEvent e) {
			String m = e.getStatusMessage();
			if (m != null && m.startsWith(first) && messages.stream().noneMatch(x -> x != null && x.startsWith(first))) {
				onFirst.run();
			}
			messages.add(m);
			if (e.getProgressMaximum() > 0) {
				value = e.getProgressValue();
				maximum = e.getProgressMaximum();
			}
		}
	}

	/**
	 * The model folder is deleted as soon as the first file's progress shows: the second file is denoised all the
	 * same, so the model was loaded once, before the first file.
	 */
	@Test
	void theModelIsLoadedOnceAndEveryFileShowsItsProgress() throws Exception {
		Path in = twoCrops();
		Path out = Files.createDirectories(dir.resolve("out"));
		Path model = dir.resolve("model");
		Path bundled = Paths.get("models/denoise-gray");
		try (Stream<Path> files = Files.walk(bundled)) {
			for (Path f : (Iterable<Path>) files::iterator) Files.copy(f, model.resolve(bundled.relativize(f).toString()));
		}
		Map<String, String> options = new HashMap<>();
		options.put("input_folder", in.toString());
		options.put("output_folder", out.toString());
		options.put("model", model.toString());
		options.put("sigma", "10");
		Context context = new Context(CommandService.class, StatusService.class, EventService.class);
		StatusLog log = new StatusLog("Denoise Folder 1/2", () -> delete(model));
		try {
			context.service(EventService.class).subscribe(log);
			CommandCall.run(context, DiffusionCommands.find(context.service(CommandService.class),
				DenoiseFolderCommand.LABEL), options, null, "an image");
		}
		finally {
			context.dispose();
		}
		assertFalse(Files.exists(model), "the model folder was deleted during the first file");
		assertEquals(2, out.toFile().list().length);
		assertTrue(log.messages.contains("Denoise Folder 1/2 crop0.png: Denoising plane 1/1"), log.messages.toString());
		assertTrue(log.messages.contains("Denoise Folder 2/2 crop1.png: Denoising plane 1/1"), log.messages.toString());
		assertTrue(log.maximum > 0 && log.value == log.maximum, log.value + " of " + log.maximum);
	}

	private static void delete(Path folder) {
		try (Stream<Path> files = Files.walk(folder)) {
			for (Path f : files.sorted(Comparator.reverseOrder()).toArray(Path[]::new)) Files.delete(f);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	@Test
	void everyImageOfTheFolderGivesOneTiff() throws Exception {
		Path in = twoCrops();
		Path out = Files.createDirectories(dir.resolve("out"));
		Files.write(in.resolve("notes.txt"), "not an image".getBytes());
		Map<String, String> options = new HashMap<>();
		options.put("input_folder", in.toString());
		options.put("output_folder", out.toString());
		options.put("sigma", "10");
		Context context = CommandCall.newContext();
		try {
			CommandCall.run(context, DiffusionCommands.find(context.service(CommandService.class),
				DenoiseFolderCommand.LABEL), options, null, "an image");
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

	private static void denoiseFolder(Path in, Path out, String more) {
		Map<String, String> options = new HashMap<>(MacroOptions.parse(more).asMap());
		options.put("input_folder", in.toString());
		options.put("output_folder", out.toString());
		options.put("sigma", "10");
		Context context = CommandCall.newContext();
		try {
			CommandCall.run(context, DiffusionCommands.find(context.service(CommandService.class),
				DenoiseFolderCommand.LABEL), options, null, "an image");
		}
		finally {
			context.dispose();
		}
	}

	/** shard=i/n takes its part of the sorted listing; skip_existing leaves the results that are there. */
	@Test
	void aShardTakesItsPartAndSkipExistingLeavesWhatIsDone() throws Exception {
		Path in = twoCrops();
		Path out = Files.createDirectories(dir.resolve("out"));
		denoiseFolder(in, out, "shard=1/2");
		assertArrayEquals(new String[] { "crop1-denoised.tif" }, out.toFile().list(), "part 1 of 2: the second file");
		Path done = out.resolve("crop1-denoised.tif");
		Files.write(done, "a result from an earlier run".getBytes());
		denoiseFolder(in, out, "skip_existing=true");
		String[] names = out.toFile().list();
		Arrays.sort(names);
		assertArrayEquals(new String[] { "crop0-denoised.tif", "crop1-denoised.tif" }, names);
		assertEquals("a result from an earlier run", new String(Files.readAllBytes(done)), "left as it was");
		denoiseFolder(in, out, "");
		assertEquals(ImagePlus.GRAY32, IJ.openImage(done.toString()).getType(), "without the key, results are redone");
	}
}
