package org.diffusionij.host;

import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.process.ColorProcessor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.diffusionij.io.safetensors.SafetensorsReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

/**
 * Generate from Prompt through the same path as macros (macro options → {@link CommandCall}) on the tiny
 * fixture folder (64×64 px), against diffusers' own images of the fixture.
 */
class GenerateFromPromptCommandTest {

	static final String PROMPT = "A painting of a squirrel eating a burger";

	static Context context;
	static CommandInfo info;

	@BeforeAll
	static void start() {
		context = CommandCall.newContext();
		info = context.service(CommandService.class).getCommand(GenerateFromPromptCommand.class);
	}

	@AfterAll
	static void stop() {
		context.dispose();
	}

	/** The fixture's settings (PNDM, the folder's default; guidance 7.5, the command's default) plus {@code more}. */
	static Map<String, String> options(String... more) throws Exception {
		Map<String, String> o = new LinkedHashMap<>();
		o.put("model", fixture("tiny-sd-pipe").toString());
		o.put("prompt", PROMPT);
		o.put("width", "64");
		o.put("height", "64");
		o.put("steps", "5");
		o.put("seed", "42");
		for (int i = 0; i < more.length; i += 2) o.put(more[i], more[i + 1]);
		return o;
	}

	static ImagePlus run(Map<String, String> options, ImagePlus image) {
		return CommandCall.run(context, info, options, image, "an image");
	}

	/** Largest difference of any channel of any pixel, in grey levels, against diffusers' NHWC [0, 1] image. */
	static int maxLevelError(ImagePlus rgb, int slice, float[] nhwc) {
		int[] px = (int[]) rgb.getStack().getProcessor(slice).getPixels();
		int max = 0;
		for (int p = 0; p < px.length; p++) {
			int[] c = { px[p] >> 16 & 255, px[p] >> 8 & 255, px[p] & 255 };
			for (int k = 0; k < 3; k++) {
				max = Math.max(max, Math.abs(c[k] - GeneratedImages.byteOf(nhwc[p * 3 + k])));
			}
		}
		return max;
	}

	static float[] reference(String name) throws Exception {
		try (SafetensorsReader ref = SafetensorsReader.open(fixture("ref/" + name))) {
			return ref.floats("image");
		}
	}

	@Test
	void seed42GivesDiffusersImageWithItsSettingsInTheInfo() throws Exception {
		ImagePlus out = run(options(), null);
		assertEquals(ImagePlus.COLOR_RGB, out.getType());
		assertEquals(64, out.getWidth());
		assertEquals(1, out.getStackSize());
		assertTrue(maxLevelError(out, 1, reference("sd_pipeline_pndm.safetensors")) <= 1);
		assertEquals(PROMPT, out.getTitle());
		String infoText = (String) out.getProperty("Info");
		assertTrue(infoText.contains("Seed: 42"), infoText);
		assertTrue(infoText.contains("run(\"Generate from Prompt\", \"model=[" + fixture("tiny-sd-pipe") + "] prompt=[" +
			PROMPT + "] negative=[] width=64 height=64 steps=5 guidance=7.5 scheduler=default seed=42 count=1 " +
			"strength=1.0 device=auto precision=auto\");"), infoText);
	}

	@Test
	void schedulerNamesSelectDiffusersSchedulers() throws Exception {
		assertTrue(maxLevelError(run(options("scheduler", "PNDM"), null), 1, reference("sd_pipeline_pndm.safetensors")) <= 1);
		assertTrue(maxLevelError(run(options("scheduler", "DDIM"), null), 1, reference("sd_pipeline_ddim.safetensors")) <= 1);
		ImagePlus euler = run(options("scheduler", "Euler"), null);
		assertTrue(maxLevelError(euler, 1, reference("sd_pipeline_euler.safetensors")) <= 1);
		ImagePlus karras = run(options("scheduler", "EulerKarras"), null);
		assertFalse(samePixels(euler, karras), "Karras sigmas change the steps and so the image");
		assertNotNull(run(options("scheduler", "DPMSolverMultistep"), null));
	}

	@Test
	void aBlankSeedIsDrawnAndTheInfoMacroLineReproducesTheImage() throws Exception {
		ImagePlus first = run(options("seed", "", "count", "2"), null);
		assertEquals(2, first.getStackSize(), "count=2 gives a two-slice stack");
		assertEquals(ImagePlus.COLOR_RGB, first.getType());
		assertFalse(samePixels(first.getStack().getProcessor(1), first.getStack().getProcessor(2)));
		String infoText = (String) first.getProperty("Info");
		String head = "Macro: run(\"Generate from Prompt\", \"";
		String line = infoText.substring(infoText.indexOf(head) + head.length());
		line = line.substring(0, line.indexOf("\");"));
		assertFalse(line.contains("seed= "), line);
		ImagePlus again = run(new LinkedHashMap<>(MacroOptions.parse(line).asMap()), null);
		assertTrue(samePixels(first, again), "the Info's macro line gives the same images: " + line);
	}

	@Test
	void imageToImageStartsFromTheOpenImageAndKeepsItsSize() throws Exception {
		ImagePlus start = colourful(48, 64);
		ImagePlus txt = run(options(), null);
		ImagePlus img = run(options("strength", "0.5"), start);
		assertEquals(48, img.getWidth());
		assertEquals(64, img.getHeight());
		ImagePlus img2 = run(options("strength", "0.5"), colourful(64, 64));
		assertFalse(samePixels(txt, img2), "img2img differs from txt2img at the same seed");
		assertTrue(((String) img2.getProperty("Info")).contains("image-to-image"));
	}

	@Test
	void inpaintingChangesTheSelectionAndKeepsWhatIsFarFromIt() throws Exception {
		// nearly nothing selected: the VAE round trip of the start image, with the same random draws
		ImagePlus start = colourful(64, 64);
		start.setRoi(new Roi(0, 0, 2, 2));
		ImagePlus roundTrip = run(options(), start);
		start.setRoi(new Roi(0, 0, 24, 64));
		ImagePlus inpainted = run(options(), start);
		assertTrue(((String) inpainted.getProperty("Info")).contains("inpainting"));
		double inside = meanDifference(roundTrip, inpainted, 0, 16);
		double far = meanDifference(roundTrip, inpainted, 48, 64);
		assertTrue(inside > 10, "the selection is regenerated: " + inside);
		// the latents outside the selection are the image's; the decoded pixels differ somewhat all over because
		// the fixture VAE's mid-block attention mixes the whole (tiny) image
		assertTrue(far < inside / 2, "far from the selection the image stays: " + far + " vs " + inside);
		ImagePlus unrelated = run(options("prompt", "a different prompt", "seed", "7"), null);
		double unrelatedFar = meanDifference(roundTrip, unrelated, 48, 64);
		assertTrue(far < unrelatedFar, "closer than an unrelated image: " + far + " vs " + unrelatedFar);
	}

	@Test
	void precisionFp16ComputesInHalfAndStaysWithinAFewGreyLevels() throws Exception {
		ImagePlus out = run(options("precision", "fp16"), null);
		int error = maxLevelError(out, 1, reference("sd_pipeline_pndm.safetensors"));
		assertTrue(error <= 3, "fp16 differs from diffusers' fp32 image by " + error + " grey levels");
		assertTrue(((String) out.getProperty("Info")).contains("precision=fp16"));
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(options("precision",
			"fp8"), null));
		assertTrue(e.getMessage().contains("precision=fp8 is not one of"), e.getMessage());
	}

	@Test
	void aWidthThatIsNoMultipleOf8IsRefusedWithAMessage() throws Exception {
		IllegalStateException e = assertThrows(IllegalStateException.class, () -> run(options("width", "60"), null));
		assertTrue(e.getMessage().contains("multiples of 8"), e.getMessage());
		e = assertThrows(IllegalStateException.class, () -> run(options("seed", "-3"), null));
		assertTrue(e.getMessage().contains("seed=-3"), e.getMessage());
	}

	@Test
	void aMissingPartIsNamed() throws Exception {
		Path dir = java.nio.file.Files.createTempDirectory("no-unet");
		java.nio.file.Files.write(dir.resolve("model_index.json"), ("{\"_class_name\":\"StableDiffusionPipeline\"," +
			"\"vae\":[\"diffusers\",\"AutoencoderKL\"]}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
		IllegalStateException e = assertThrows(IllegalStateException.class, () -> run(options("model", dir
			.toString()), null));
		assertTrue(e.getMessage().contains("has no tokenizer/ folder"), e.getMessage());
	}

	/** The folder used last is what the dialog offers; a macro line without model= is refused, whatever ran before. */
	@Test
	void aMacroNamesItsModelAndTheDialogOffersTheLastOne() throws Exception {
		run(options(), null);
		assertEquals(fixture("tiny-sd-pipe").toAbsolutePath().toString(), CommandCall.dialogDefaults(context, info)
			.get("model"));
		Map<String, String> noModel = options();
		noModel.remove("model");
		IllegalStateException e = assertThrows(IllegalStateException.class, () -> run(noModel, null));
		assertTrue(e.getMessage().startsWith("model is missing: give model=[folder]"), e.getMessage());
		assertEquals("", CommandCall.defaults(context, info).get("model").toString());
	}

	/** A 24-bit image whose colours vary over both axes. */
	static ImagePlus colourful(int w, int h) {
		ColorProcessor cp = new ColorProcessor(w, h);
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) cp.set(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | ((x + y) * 4 & 255));
		}
		return new ImagePlus("start", cp);
	}

	/** Mean absolute difference of all channels in the columns [x0, x1). */
	static double meanDifference(ImagePlus a, ImagePlus b, int x0, int x1) {
		double sum = 0;
		int n = 0;
		for (int y = 0; y < a.getHeight(); y++) {
			for (int x = x0; x < x1; x++) {
				int p = a.getProcessor().get(x, y), q = b.getProcessor().get(x, y);
				for (int s = 0; s < 24; s += 8) sum += Math.abs((p >> s & 255) - (q >> s & 255));
				n += 3;
			}
		}
		return sum / n;
	}

	static boolean samePixels(ImagePlus a, ImagePlus b) {
		if (a.getStackSize() != b.getStackSize()) return false;
		for (int i = 1; i <= a.getStackSize(); i++) {
			if (!samePixels(a.getStack().getProcessor(i), b.getStack().getProcessor(i))) return false;
		}
		return true;
	}

	static boolean samePixels(ij.process.ImageProcessor a, ij.process.ImageProcessor b) {
		return java.util.Arrays.equals((int[]) a.getPixels(), (int[]) b.getPixels());
	}
}
