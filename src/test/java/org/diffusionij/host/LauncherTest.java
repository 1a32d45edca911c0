package org.diffusionij.host;

import static org.junit.jupiter.api.Assertions.*;

import ij.IJ;
import ij.ImagePlus;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherTest {

	@TempDir
	Path dir;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();
	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private int launch(String... args) {
		PrintStream stdout = System.out;
		PrintStream o = new PrintStream(out, true);
		System.setOut(o); // IJ.log writes to System.out without a Log window
		try {
			return Launcher.run(args, o, new PrintStream(err, true));
		}
		finally {
			System.setOut(stdout);
		}
	}

	private String out() {
		return new String(out.toByteArray(), StandardCharsets.UTF_8);
	}

	private String err() {
		return new String(err.toByteArray(), StandardCharsets.UTF_8);
	}

	private static String boats() throws URISyntaxException {
		return Paths.get(LauncherTest.class.getResource("/images/boats_crop.png").toURI()).toString();
	}

	@Test
	void listsCommandsWithKeysTypesAndDefaults() {
		assertEquals(0, launch("--list"), err());
		String o = out();
		assertTrue(o.contains("Diffusion Engine Info\n    (no keys)"), o);
		assertTrue(o.contains("Scale Test Image\n    input=FILE"), o);
		assertTrue(o.contains("    factor  number, default factor=1.0"), o);
		assertTrue(o.contains("    repeat  whole number, default repeat=1"), o);
		assertTrue(o.contains("    fail  true/false, default fail=false"), o);
		assertFalse(o.contains("    image "), "the image is input=FILE, not a key: " + o);
	}

	@Test
	void runsEngineInfo() {
		assertEquals(0, launch("--run", EngineInfoCommand.LABEL, ""), err());
		assertTrue(out().contains("Engine: PyTorch"), out());
		assertTrue(out().contains("oneDNN guard: "), out());
		assertEquals("", err());
	}

	@Test
	void savesThe32BitResultAsTiff() throws Exception {
		File tif = dir.resolve("result one.tif").toFile();
		int status = launch("--run", "Scale Test Image",
			"input=[" + boats() + "] output=[" + tif + "] factor=0.5 repeat=2.0 title=[half of a half]");
		assertEquals(0, status, err());
		ImagePlus in = IJ.openImage(boats());
		ImagePlus saved = IJ.openImage(tif.getPath());
		assertEquals(ImagePlus.GRAY32, saved.getType());
		assertEquals(in.getWidth(), saved.getWidth());
		float[] px = (float[]) saved.getProcessor().getPixels();
		for (int i = 0; i < px.length; i++) {
			assertEquals(in.getProcessor().get(i) * 0.25f, px[i], 0f, "pixel " + i);
		}
		assertEquals(1, Files.list(dir).count(), "no temporary file is left");
	}

	@Test
	void failuresExitNonZeroWithTheMessageOnly() throws Exception {
		File tif = dir.resolve("never.tif").toFile();
		assertEquals(1, launch("--run", "Scale Test Image", "input=[" + boats() + "] output=[" + tif + "] fail"));
		assertEquals("Failing on purpose: fail was set.\n", err());
		assertFalse(tif.exists());

		assertFailure("Unknown Label", "", "There is no command \"Unknown Label\"");
		assertFailure("Diffusion Engine Info", "steps=3", "It takes no options");
		assertFailure("Scale Test Image", "input=[" + boats() + "] output=x.tif factr=2", "Its keys are: factor");
		assertFailure("Scale Test Image", "input=[" + boats() + "] output=x.tif Factor=2", "write factor=");
		assertFailure("Scale Test Image", "input=[" + boats() + "] output=x.tif factor=two", "not a number");
		assertFailure("Scale Test Image", "input=[" + boats() + "] output=x.tif repeat=1.5", "not a whole");
		assertFailure("Scale Test Image", "output=x.tif", "needs input=FILE");
		assertFailure("Scale Test Image", "input=" + dir.resolve("none.png") + " output=x.tif", "no such file");
		assertFailure("Scale Test Image", "input=[" + boats() + "] output=" + dir.resolve("no/x.tif"),
			"does not exist");
		assertFailure("Scale Test Image", "input=[" + boats() + " output=x.tif", "missing its closing ]");
		assertEquals(0, Files.list(dir).count());
	}

	private void assertFailure(String label, String options, String message) {
		err.reset();
		assertEquals(1, launch("--run", label, options), label + " " + options);
		assertTrue(err().contains(message), err());
		assertFalse(err().contains("\tat "), "no stack trace without --debug: " + err());
	}

	@Test
	void debugShowsTheStackTraceAndUsageErrorsExitWithTwo() throws IOException {
		assertEquals(1, launch("--debug", "--run", "Unknown Label", ""));
		assertTrue(err().contains("\tat org.diffusionij.host."), err());
		err.reset();
		assertEquals(2, launch("--run"));
		assertTrue(err().contains("Usage:"), err());
		assertEquals(2, launch("--frobnicate"));
		assertEquals(0, launch("--help"));
		assertTrue(out().contains("--run \"<label>\" \"<options>\""), out());
	}
}
