package org.diffusionij.host;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every output is checked before anything is computed: {@code output=} naming the input (directly, through a
 * symbolic or hard link, or a relative path) is refused with one line and exit status 1, and the input file
 * keeps its bytes and time stamp; Denoise Folder refuses an output folder that is its input folder; a missing
 * output folder is found before the model is even looked for.
 */
class OutputPathsTest {

	@TempDir
	Path dir;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();
	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private int launch(String... args) {
		out.reset();
		err.reset();
		PrintStream stdout = System.out;
		PrintStream o = new PrintStream(out, true);
		System.setOut(o);
		try {
			return Launcher.run(args, o, new PrintStream(err, true));
		}
		finally {
			System.setOut(stdout);
		}
	}

	private String err() {
		return new String(err.toByteArray(), StandardCharsets.UTF_8);
	}

	/** A real PNG in its own folder, with an old time stamp so that any write would show. */
	private Path input() throws Exception {
		Path in = Files.createDirectories(dir.resolve("in")).resolve("boats.png");
		Files.copy(Paths.get(OutputPathsTest.class.getResource("/images/boats_crop.png").toURI()), in);
		Files.setLastModifiedTime(in, FileTime.fromMillis(1_000_000_000_000L));
		return in;
	}

	private void assertRefused(Path in, String output, String message) throws Exception {
		byte[] before = Files.readAllBytes(in);
		FileTime time = Files.getLastModifiedTime(in);
		assertEquals(1, launch("--run", ScaleTestCommand.LABEL, "input=[" + in + "] output=[" + output + "]"), err());
		assertTrue(err().contains(message), err());
		assertEquals(1, err().split("\n").length, "one line: " + err());
		assertArrayEquals(before, Files.readAllBytes(in), "the input keeps its bytes");
		assertEquals(time, Files.getLastModifiedTime(in), "the input was not written");
	}

	@Test
	void theInputFileIsNeverTheOutput() throws Exception {
		Path in = input();
		assertRefused(in, in.toString(), "output=" + in + " is the same file as input=" + in +
			"; the input is never overwritten");
		assertRefused(in, dir.resolve("in/../in/./boats.png").toString(), "is the same file as input=");
		Path link = Files.createSymbolicLink(dir.resolve("link.png"), in);
		assertRefused(in, link.toString(), "is the same file as input=");
		Path linkedFolder = Files.createSymbolicLink(dir.resolve("linked"), in.getParent());
		assertRefused(in, linkedFolder.resolve("boats.png").toString(), "is the same file as input=");
		Path hard = Files.createLink(dir.resolve("hard.png"), in);
		assertRefused(in, hard.toString(), "is the same file as input=");
		// the input given through the link and the output as the file itself
		assertEquals(1, launch("--run", ScaleTestCommand.LABEL, "input=[" + link + "] output=[" + in + "]"));
		assertTrue(err().contains("is the same file as input="), err());
	}

	@Test
	void aMissingOrWrongOutputFolderIsRefusedBeforeTheCommandRuns() throws Exception {
		Path in = input();
		assertRefused(in, dir.resolve("no/such/folder/x.tif").toString(), "does not exist");
		assertRefused(in, dir.toString(), "is a folder; give a file name");
		// the output is checked before the model is looked for: Denoise Image would fail on the model otherwise
		assertEquals(1, launch("--run", DenoiseCommand.LABEL, "input=[" + in + "] output=[" + dir.resolve(
			"missing/x.tif") + "] model=[" + dir.resolve("no model") + "]"));
		assertTrue(err().contains("does not exist") && !err().contains("no model"), err());
		assertEquals(Arrays.asList("boats.png"), Arrays.asList(in.getParent().toFile().list()));
	}

	@Test
	void denoiseFolderRefusesItsInputFolderAsOutputFolder() throws Exception {
		Path in = input();
		String[] before = in.getParent().toFile().list();
		for (String output : new String[] { in.getParent().toString(), dir.resolve("in/.").toString(),
			Files.createSymbolicLink(dir.resolve("same"), in.getParent()).toString() })
		{
			assertEquals(1, launch("--run", DenoiseFolderCommand.LABEL, "input_folder=[" + in.getParent() +
				"] output_folder=[" + output + "] sigma=10"));
			assertTrue(err().contains("output_folder=" + output + " is the same folder as input_folder="), err());
			assertEquals(1, err().split("\n").length, err());
		}
		assertArrayEquals(before, in.getParent().toFile().list(), "nothing was written into the input folder");
	}

	@Test
	void theChecksThemselves() throws Exception {
		Path in = input();
		Map<String, Path> inputs = Collections.singletonMap("input", in);
		OutputPaths.checkFile("output", dir.resolve("fresh.tif"), inputs);
		OutputPaths.checkFile("output", dir.resolve("fresh.tif"), Collections.singletonMap("model", dir.resolve(
			"absent")));
		OutputPaths.checkNewFolder("folder", dir.resolve("a/b/c"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> OutputPaths.checkNewFolder("folder", in.resolve(
			"sub"))).getMessage().contains("is a file, not a folder"));
		assertTrue(OutputPaths.inside(dir.resolve("in/sub/deeper"), dir.resolve("in")));
		assertTrue(OutputPaths.inside(in.getParent(), dir.resolve("in/.")));
		assertFalse(OutputPaths.inside(dir.resolve("input2"), dir.resolve("in")));
	}
}
