package org.diffusionij.host;

import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import ij.IJ;
import ij.ImagePlus;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.diffusionij.io.safetensors.SafetensorsReader;
import org.diffusionij.pipelines.QualityMetrics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built plugin in a real ImageJ 1 (Debian's {@code imagej} package) under a virtual display: the jar in
 * {@code plugins/}, its runtime dependencies in {@code plugins/jars/}, and a macro that calls the plugin
 * through {@code run("…", "…")} exactly as a user's macro does. ImageJ's exit status says nothing about the
 * macro, so the checks read the files and the output the macro leaves.
 */
class RealImageJHostIT {

	private static final Path IJ_JAR = Paths.get("/usr/share/java/ij.jar");
	private static final long TIMEOUT_S = 180;

	@TempDir
	Path home;

	private Path image;

	@BeforeEach
	void layOutImageJ() throws IOException {
		String missing = !Files.isRegularFile(IJ_JAR) ? IJ_JAR.toString() : !onPath("xvfb-run") ? "xvfb-run" : null;
		if (missing != null) {
			fail(missing + " is missing: this test needs Debian's ImageJ and Xvfb; run .ci/run, which installs" +
				" them (apt-get install -y imagej xvfb xauth) and then runs the tests.");
		}
		Path jar = Paths.get(System.getProperty("diffusionij.jar", "target/none.jar"));
		Path jars = Paths.get(System.getProperty("diffusionij.jars", "target/jars"));
		assertTrue(Files.isRegularFile(jar), "the plugin jar is built first (mvn verify): " + jar);
		Path plugins = Files.createDirectories(home.resolve("plugins/jars")).getParent();
		Files.copy(jar, plugins.resolve(jar.getFileName()));
		// the tests jar adds the test-only image command (with its own plugins.config entry)
		Path testsJar = Paths.get(System.getProperty("diffusionij.testsjar", "target/none-tests.jar"));
		assertTrue(Files.isRegularFile(testsJar), "the tests jar is built first (mvn verify): " + testsJar);
		Files.copy(testsJar, plugins.resolve(testsJar.getFileName()));
		try (java.util.stream.Stream<Path> deps = Files.list(jars)) {
			for (Path dep : (Iterable<Path>) deps::iterator) {
				// ImageJ itself is the host; everything else the plugin needs goes to plugins/jars
				if (!dep.getFileName().toString().startsWith("ij-")) {
					Files.copy(dep, plugins.resolve("jars").resolve(dep.getFileName()));
				}
			}
		}
		image = home.resolve("boats crop.png");
		try (InputStream in = RealImageJHostIT.class.getResourceAsStream("/images/boats_crop.png")) {
			Files.copy(in, image);
		}
	}

	@Test
	void engineInfoFromAMacroInImageJ1() throws Exception {
		Path log = home.resolve("log.txt");
		Path saved = home.resolve("after.tif");
		String out = runImageJ("-macro", String.join("\n",
			"open(\"" + image + "\");",
			"run(\"Diffusion Engine Info\");",
			"saveAs(\"Tiff\", \"" + saved + "\");",
			"File.saveString(getInfo(\"log\"), \"" + log + "\");",
			"run(\"Quit\");"));
		assertTrue(Files.isRegularFile(log), "the macro did not reach its end; ImageJ said:\n" + out);
		String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
		assertTrue(text.contains("Engine: PyTorch 2."), text);
		assertTrue(text.contains("oneDNN guard: "), text);
		assertTrue(text.contains("Offline natives: true"), "natives load from plugins/jars: " + text);
		assertTrue(text.contains("libtorch: " + Paths.get(System.getProperty("user.home"), ".djl.ai")), text);
		// the command leaves the user's image alone: still current, pixels unchanged
		ImagePlus original = IJ.openImage(image.toString());
		ImagePlus after = IJ.openImage(saved.toString());
		assertEquals(original.getWidth(), after.getWidth());
		assertEquals(original.getHeight(), after.getHeight());
		assertArrayEquals((byte[]) original.getProcessor().getPixels(), (byte[]) after.getProcessor().getPixels());
	}

	@Test
	void anImageCommandFromAMacroReturnsANewImage() throws Exception {
		Path saved = home.resolve("result.tif");
		Path titles = home.resolve("titles.txt");
		String out = runImageJ("-macro", String.join("\n",
			"open(\"" + image + "\");",
			"run(\"Scale Test Image\", \"factor=0.5 repeat=2 title=[half of a half]\");",
			"saveAs(\"Tiff\", \"" + saved + "\");",
			"File.saveString(nImages + \" \" + getTitle(), \"" + titles + "\");",
			"run(\"Quit\");"));
		assertTrue(Files.isRegularFile(titles), "the macro did not reach its end; ImageJ said:\n" + out);
		assertEquals("2 result.tif", read(titles.toFile()), "the result is a new, current image");
		ImagePlus original = IJ.openImage(image.toString());
		ImagePlus result = IJ.openImage(saved.toString());
		assertEquals(ImagePlus.GRAY32, result.getType());
		float[] px = (float[]) result.getProcessor().getPixels();
		for (int i = 0; i < px.length; i++) {
			assertEquals(original.getProcessor().get(i) * 0.25f, px[i], 0f, "pixel " + i);
		}
	}

	@Test
	void aMacroTrainsAModelOnARealStack() throws Exception {
		Path stack = home.resolve("cityscape.tif");
		try (InputStream in = RealImageJHostIT.class.getResourceAsStream(
			"/imagingbook/sampleimages/GeneralSampleImage-data/CityscapeSmallStack.tif"))
		{
			Files.copy(in, stack);
		}
		Path model = home.resolve("my model");
		Path log = home.resolve("log.txt");
		// not in batch mode: the live loss plot and the preview window are drawn as for a user
		String out = runImageJ("-macro", String.join("\n",
			"open(\"" + stack + "\");",
			"run(\"Train Diffusion on Stack\", \"folder=[" + model + "] init=[] preset=small steps=3 batch=2 " +
				"patch=32 seed=1 checkpoint_every=2\");",
			"titles = \"\"; for (i = 1; i <= nImages; i++) { selectImage(i); titles = titles + getTitle() + \"|\"; }",
			"File.saveString(getInfo(\"log\") + \"images: \" + titles, \"" + log + "\");",
			"run(\"Quit\");"));
		assertTrue(Files.isRegularFile(log), "the macro did not reach its end; ImageJ said:\n" + out);
		String text = read(log.toFile());
		assertTrue(text.contains("Train Diffusion on Stack: done, 3 steps"), text);
		for (String f : Arrays.asList("model_index.json", "unet/config.json", "unet/diffusion_pytorch_model.safetensors",
			"scheduler/scheduler_config.json", "normalization.json", "README.md", "training_state.json"))
		{
			assertTrue(Files.isRegularFile(model.resolve(f)), f + "\n" + text);
		}
		assertTrue(read(model.resolve("training_state.json").toFile()).contains("\"step\": 3"));
		assertTrue(text.contains("|Training loss: my model|"), "the loss plot is open: " + text);
		assertTrue(text.contains("|Training preview: noisy | denoised | clean (step 3)|"), "the preview shows the " +
			"last step: " + text);
	}

	@Test
	void generateFromPromptWithNoImageOpenGivesDiffusersImage() throws Exception {
		Path model = fixture("tiny-sd-pipe");
		Path saved = home.resolve("generated.tif");
		Path info = home.resolve("info.txt");
		String out = runImageJ("-macro", String.join("\n",
			"run(\"Generate from Prompt\", \"model=[" + model + "] prompt=[A painting of a squirrel eating a burger] " +
				"width=64 height=64 steps=5 seed=42\");",
			"saveAs(\"Tiff\", \"" + saved + "\");",
			"File.saveString(nImages + \"\\n\" + getMetadata(\"Info\"), \"" + info + "\");",
			"run(\"Quit\");"));
		assertTrue(Files.isRegularFile(info), "the macro did not reach its end; ImageJ said:\n" + out);
		String text = read(info.toFile());
		assertTrue(text.startsWith("1\n"), "one new image: " + text);
		assertTrue(text.contains("Seed: 42") && text.contains("steps=5 guidance=7.5 scheduler=default seed=42"), text);
		ImagePlus result = IJ.openImage(saved.toString());
		assertEquals(ImagePlus.COLOR_RGB, result.getType());
		assertEquals(64, result.getWidth());
		assertEquals(64, result.getHeight());
		float[] reference;
		try (SafetensorsReader ref = SafetensorsReader.open(fixture("ref/sd_pipeline_pndm.safetensors")))
		{
			reference = ref.floats("image");
		}
		assertTrue(GenerateFromPromptCommandTest.maxLevelError(result, 1, reference) <= 1, "diffusers' image, " +
			"8-bit");
	}

	@Test
	void denoiseImageFromAMacroSavesABetterImage() throws Exception {
		Path noisy = Paths.get("samples/camera-noisy.png").toAbsolutePath();
		Path model = Paths.get("models/denoise-gray").toAbsolutePath();
		Path saved = home.resolve("denoised.tif");
		Path log = home.resolve("log.txt");
		String out = runImageJ("-macro", String.join("\n",
			"open(\"" + noisy + "\");",
			"run(\"Denoise Image\", \"model=[" + model + "] sigma=auto\");",
			"saveAs(\"Tiff\", \"" + saved + "\");",
			"File.saveString(getInfo(\"log\"), \"" + log + "\");",
			"run(\"Quit\");"));
		assertTrue(Files.isRegularFile(log), "the macro did not reach its end; ImageJ said:\n" + out);
		assertTrue(read(log.toFile()).contains("Denoise Image camera-noisy.png: estimated sigma"), read(log.toFile()));
		ImagePlus result = IJ.openImage(saved.toString());
		assertEquals(ImagePlus.GRAY32, result.getType());
		float[] clean = (float[]) IJ.openImage("samples/camera-clean.png").getProcessor().convertToFloat().getPixels();
		float[] input = (float[]) IJ.openImage(noisy.toString()).getProcessor().convertToFloat().getPixels();
		double before = QualityMetrics.psnr(clean, input, 255);
		double after = QualityMetrics.psnr(clean, (float[]) result.getProcessor().getPixels(), 255);
		assertTrue(after >= before + 5, "input " + before + " dB, result " + after + " dB");
	}

	/**
	 * The README's Show Diffusion Process lines (with 20 reverse steps) in ImageJ 1: three new images, the
	 * photograph untouched.
	 */
	@Test
	void showDiffusionProcessFromAMacroMakesItsThreePictures() throws Exception {
		Path photo = Paths.get("samples/camera-clean.png").toAbsolutePath();
		String model = "model=[" + Paths.get("models/denoise-gray").toAbsolutePath() + "] ";
		Path titles = home.resolve("titles.txt");
		String out = runImageJ("-macro", String.join("\n",
			"open(\"" + photo + "\"); id = getImageID();",
			"run(\"Show Diffusion Process\", \"" + model + "show=forward timesteps=0,50,100,200,400,700,999 seed=1\");",
			"t = getTitle() + \" \" + nSlices + \" \" + getInfo(\"slice.label\");",
			"selectImage(id);",
			"run(\"Show Diffusion Process\", \"" + model + "show=reverse start=250 steps=20 seed=1\");",
			"Stack.getDimensions(w, h, c, z, f); t = t + \"|\" + getTitle() + \" \" + c + \" \" + f;",
			"selectImage(id);",
			"run(\"Show Diffusion Process\", \"" + model + "show=schedule timesteps=0,50,100,200,400,700,999\");",
			"t = t + \"|\" + getTitle() + \"|\" + nImages;",
			"selectImage(id); t = t + \"|\" + getTitle() + \" \" + bitDepth();",
			"File.saveString(t, \"" + titles + "\");",
			"run(\"Quit\");"));
		assertTrue(Files.isRegularFile(titles), "the macro did not reach its end; ImageJ said:\n" + out);
		assertEquals("camera-clean-forward 7 t=0  ᾱ=0.9999  SNR=40.0 dB|camera-clean-reverse 2 6|" +
			"camera-clean-schedule|4|camera-clean.png 8", read(titles.toFile()));
	}

	/**
	 * The tour (src/test/resources/tour/tour.ijm): in one ImageJ 1 session, fine-tune the bundled denoiser on a
	 * real stack for a few steps, denoise a real noisy photograph with the model just trained, and generate an
	 * image from a prompt with the tiny Stable Diffusion model; every result is checked here.
	 */
	@Test
	void tourOfTheThreeCommands() throws Exception {
		copyTree(Paths.get("models").toAbsolutePath(), home.resolve("models"));
		Path stack = home.resolve("cityscape.tif");
		try (InputStream in = RealImageJHostIT.class.getResourceAsStream(
			"/imagingbook/sampleimages/GeneralSampleImage-data/CityscapeSmallStack.tif"))
		{
			Files.copy(in, stack);
		}
		Path noisy = Paths.get("samples/camera-noisy.png").toAbsolutePath();
		Path sd = fixture("tiny-sd-pipe");
		String macro;
		try (InputStream in = RealImageJHostIT.class.getResourceAsStream("/tour/tour.ijm")) {
			macro = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		String out = runImageJ("-batch", macro, String.join("|", home.toString(), stack.toString(), noisy.toString(),
			sd.toString()));
		Path summary = home.resolve("tour.txt");
		assertTrue(Files.isRegularFile(summary), "the tour did not reach its end; ImageJ said:\n" + out);
		String text = read(summary.toFile());
		assertTrue(text.contains("trained: 1"), text);
		assertTrue(text.contains("denoised: 256x256 32-bit"), text);
		assertTrue(text.contains("generated: 64x64 24-bit"), text);
		assertTrue(read(home.resolve("tour model/training_state.json").toFile()).contains("\"step\": 4"));

		ImagePlus clean = IJ.openImage(Paths.get("samples/camera-clean.png").toAbsolutePath().toString());
		ImagePlus before = IJ.openImage(noisy.toString());
		ImagePlus denoised = IJ.openImage(home.resolve("denoised.tif").toString());
		double gain = psnr(clean, denoised) - psnr(clean, before);
		assertTrue(gain > 5, "the fine-tuned model denoises: PSNR gain " + gain + " dB");

		ImagePlus generated = IJ.openImage(home.resolve("generated.tif").toString());
		float[] reference;
		try (SafetensorsReader ref = SafetensorsReader.open(fixture("ref/sd_pipeline_pndm.safetensors")))
		{
			reference = ref.floats("image");
		}
		assertTrue(GenerateFromPromptCommandTest.maxLevelError(generated, 1, reference) <= 1, "diffusers' image");
	}

	private static double psnr(ImagePlus clean, ImagePlus other) {
		float[] a = (float[]) clean.getProcessor().convertToFloatProcessor().getPixels();
		float[] b = (float[]) other.getProcessor().convertToFloatProcessor().getPixels();
		double se = 0;
		for (int i = 0; i < a.length; i++) se += (a[i] - b[i]) * (double) (a[i] - b[i]);
		return 10 * Math.log10(255.0 * 255.0 / (se / a.length));
	}

	private static void copyTree(Path from, Path to) throws IOException {
		try (java.util.stream.Stream<Path> s = Files.walk(from)) {
			for (Path p : (Iterable<Path>) s::iterator) {
				Path dest = to.resolve(from.relativize(p).toString());
				if (Files.isDirectory(p)) Files.createDirectories(dest);
				else if (!p.getFileName().toString().equals("training_state.safetensors")) Files.copy(p, dest);
			}
		}
	}

	@Test
	void aWrongKeyStopsTheMacroWithAMessage() throws Exception {
		String out = runImageJ("-batch", String.join("\n",
			"print(\"before\");",
			"run(\"Diffusion Engine Info\", \"steps=3\");",
			"print(\"after\");"));
		assertTrue(out.contains("before"), out);
		assertTrue(out.contains("Diffusion Engine Info: \"Diffusion Engine Info\" has no key 'steps'"), out);
		assertFalse(out.contains("after"), "the macro must stop at the failing call:\n" + out);
	}

	/**
	 * Keys left out of a macro line take the command's defaults without a dialog (GUI mode, so a dialog would
	 * block until the timeout), and nothing is carried over from an earlier run in the same session.
	 */
	@Test
	void omittedKeysTakeTheDefaultsAndNothingIsRemembered() throws Exception {
		Path second = home.resolve("second.tif");
		Path titles = home.resolve("titles.txt");
		String out = runImageJ("-macro", String.join("\n",
			"open(\"" + image + "\"); id = getImageID();",
			"run(\"Scale Test Image\", \"factor=3 repeat=2 title=first\");",
			"selectImage(id);",
			"run(\"Scale Test Image\", \"title=second\");",
			"saveAs(\"Tiff\", \"" + second + "\");",
			"File.saveString(getTitle(), \"" + titles + "\");",
			"run(\"Quit\");"));
		assertTrue(Files.isRegularFile(titles), "the macro did not reach its end; ImageJ said:\n" + out);
		assertEquals("second.tif", read(titles.toFile()));
		ImagePlus original = IJ.openImage(image.toString());
		float[] px = (float[]) IJ.openImage(second.toString()).getProcessor().getPixels();
		for (int i = 0; i < px.length; i++) {
			assertEquals(original.getProcessor().get(i), px[i], 0f, "factor 1 and repeat 1, not 3 and 2: pixel " + i);
		}
	}

	/**
	 * In batch mode (the -batch command line, and setBatchMode(true) in a GUI macro) the result is the current
	 * image of the macro; with no options at all and no one to answer a dialog, the defaults are taken.
	 */
	@Test
	void inBatchModeTheResultIsTheCurrentImage() throws Exception {
		Path saved = home.resolve("half.tif");
		Path titles = home.resolve("titles.txt");
		String macro = String.join("\n",
			"open(\"" + image + "\");",
			"run(\"Scale Test Image\", \"factor=0.5 title=half\");",
			"saveAs(\"Tiff\", \"" + saved + "\");",
			"t = getTitle() + \" \" + nImages;",
			"run(\"Scale Test Image\");",
			"t = t + \"|\" + getTitle() + \" \" + nImages;",
			"File.saveString(t, \"" + titles + "\");");
		String out = runImageJ("-batch", macro);
		assertTrue(Files.isRegularFile(titles), "the macro did not reach its end; ImageJ said:\n" + out);
		assertEquals("half.tif 2|scaled 3", read(titles.toFile()));
		ImagePlus original = IJ.openImage(image.toString());
		float[] px = (float[]) IJ.openImage(saved.toString()).getProcessor().getPixels();
		for (int i = 0; i < px.length; i++) assertEquals(original.getProcessor().get(i) * 0.5f, px[i], 0f);

		Files.delete(titles);
		out = runImageJ("-macro", "setBatchMode(true);\n" + macro + "\nrun(\"Quit\");");
		assertTrue(Files.isRegularFile(titles), "the macro did not reach its end; ImageJ said:\n" + out);
		assertEquals("half.tif 2|scaled 3", read(titles.toFile()));
	}

	/**
	 * {@code IJ.run(imp, …)} from a script processes {@code imp}, not the image that is current, and registers
	 * the result with ImageJ, with ImageJ's window and without (batch mode, which headless Fiji forces on). With
	 * the window the result is then the current image; in batch mode {@code IJ.run(imp, …)} itself makes the
	 * image current before the call current again, as for every ImageJ command, so scripts there take the
	 * result by its title.
	 */
	@Test
	void ijRunWithAnImageProcessesThatImage() throws Exception {
		Path other = home.resolve("ten.tif");
		ImagePlus ten = IJ.createImage("ten", "32-bit black", 8, 8, 1);
		ten.getProcessor().set(10);
		IJ.saveAsTiff(ten, other.toString());
		Path result = home.resolve("result.txt");
		String macro = String.join("\n",
			"open(\"" + image + "\");",
			"r = call(\"org.diffusionij.host.ij1.ScriptCalls.runOnImage\", \"" + other + "\", " +
				"\"factor=2 title=from-script\", \"from-script\");",
			"File.saveString(r, \"" + result + "\");");
		String out = runImageJ("-macro", macro + "\nrun(\"Quit\");");
		assertTrue(Files.isRegularFile(result), "the macro did not reach its end; ImageJ said:\n" + out);
		assertEquals("10.0 20.0 2 from-script", read(result.toFile()), "the given image, doubled, shown beside " +
			"the open one and current");
		Files.delete(result);
		out = runImageJ("-batch", macro);
		assertTrue(Files.isRegularFile(result), "the macro did not reach its end; ImageJ said:\n" + out);
		assertEquals("10.0 20.0 2 boats crop.png", read(result.toFile()), "the same in batch mode, where IJ.run " +
			"restores the current image");
	}

	/** A key is matched exactly: folder= is not found inside image_folder= (ImageJ's Macro.getValue would). */
	@Test
	void aKeyIsNotFoundInsideALongerKey() throws Exception {
		String out = runImageJ("-batch", String.join("\n",
			"print(\"before\");",
			"run(\"Train Diffusion on Stack\", \"image_folder=[" + home + "] steps=1\");",
			"print(\"after\");"));
		assertTrue(out.contains("before"), out);
		assertTrue(out.contains("Train Diffusion on Stack: Set folder= to where the model is written."), out);
		assertFalse(out.contains("after"), "the macro must stop at the failing call:\n" + out);
	}

	/** A failing command stops the macro with one message; an unknown key names the keys there are. */
	@Test
	void aFailureStopsTheMacroWithOneMessage() throws Exception {
		String out = runImageJ("-batch", String.join("\n",
			"newImage(\"blank\", \"8-bit black\", 8, 8, 1);",
			"print(\"before\");",
			"run(\"Scale Test Image\", \"fail\");",
			"print(\"after\");"));
		assertTrue(out.contains("before"), out);
		assertEquals(1, count(out, "Failing on purpose: fail was set."), out);
		assertFalse(out.contains("after"), "the macro must stop at the failing call:\n" + out);

		out = runImageJ("-batch", String.join("\n",
			"newImage(\"blank\", \"8-bit black\", 8, 8, 1);",
			"run(\"Scale Test Image\", \"factr=2\");",
			"print(\"after\");"));
		assertEquals(1, count(out, "\"Scale Test Image\" has no key 'factr'. Its keys are: factor, repeat, title, " +
			"fail, exhaust_memory."), out);
		assertFalse(out.contains("after"), out);
	}

	/**
	 * The macro the README gives for headless runs (docs/cluster/denoise.ijm, quoted there verbatim) on ImageJ 1's display-less path ({@code -batch}: no ImageJ window, batch mode), where the result,
	 * not the input, must be what {@code saveAs} writes. Plain ImageJ 1 cannot start with
	 * {@code java.awt.headless=true} at all (ij.Menus builds AWT menus and throws a HeadlessException); only
	 * Fiji's patched ImageJ 1 runs truly headless, and that cannot be installed here.
	 */
	@Test
	void theReadmeHeadlessMacroSavesTheResult() throws Exception {
		String macro = read(Paths.get("docs/cluster/denoise.ijm").toFile());
		assertTrue(read(Paths.get("README.md").toFile()).contains(macro), "the README quotes docs/cluster/denoise.ijm");
		copyTree(Paths.get("models").toAbsolutePath(), home.resolve("models"));
		Path noisy = Paths.get("samples/camera-noisy.png").toAbsolutePath();
		Path saved = home.resolve("denoised.tif");
		String out = runImageJ("-batch", macro, noisy + "|" + saved);
		assertTrue(Files.isRegularFile(saved), "no result; ImageJ said:\n" + out);
		ImagePlus result = IJ.openImage(saved.toString());
		assertEquals(ImagePlus.GRAY32, result.getType(), "the 32-bit result, not the 8-bit input");
		float[] clean = (float[]) IJ.openImage("samples/camera-clean.png").getProcessor().convertToFloat().getPixels();
		float[] input = (float[]) IJ.openImage(noisy.toString()).getProcessor().convertToFloat().getPixels();
		double gain = QualityMetrics.psnr(clean, (float[]) result.getProcessor().getPixels(), 255) -
			QualityMetrics.psnr(clean, input, 255);
		assertTrue(gain >= 5, "PSNR gain " + gain + " dB");
	}

	private static int count(String text, String part) {
		int n = 0;
		for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) n++;
		return n;
	}

	/** Runs ImageJ 1 on a macro under xvfb-run and returns what it printed. */
	private String runImageJ(String mode, String macro) throws IOException, InterruptedException {
		return runImageJ(mode, macro, null);
	}

	/** Runs {@code macro} in ImageJ 1 under Xvfb; {@code argument} (or null) is what getArgument() returns. */
	private String runImageJ(String mode, String macro, String argument) throws IOException, InterruptedException {
		Path macroFile = home.resolve("test.ijm");
		Files.write(macroFile, macro.getBytes(StandardCharsets.UTF_8));
		String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
		// ImageJ's preferences stay in the temporary home; libtorch is unpacked once, in the user's DJL cache
		Path djlCache = Paths.get(System.getProperty("user.home"), ".djl.ai");
		List<String> command = new ArrayList<>(Arrays.asList("xvfb-run", "-a", java,
			"-Duser.home=" + home, "-DENGINE_CACHE_DIR=" + djlCache, "-cp", IJ_JAR.toString(), "ij.ImageJ", "-ijpath", home.toString(), mode,
			macroFile.toString()));
		if (argument != null) command.add(argument);
		File output = home.resolve("imagej-output.txt").toFile();
		Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output).start();
		if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
			p.destroyForcibly();
			fail("ImageJ did not finish within " + TIMEOUT_S + " s (a dialog waiting?):\n" + read(output));
		}
		return read(output);
	}

	private static String read(File f) throws IOException {
		return new String(Files.readAllBytes(f.toPath()), StandardCharsets.UTF_8);
	}

	private static boolean onPath(String program) {
		for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
			if (Files.isExecutable(Paths.get(dir, program))) return true;
		}
		return false;
	}
}
