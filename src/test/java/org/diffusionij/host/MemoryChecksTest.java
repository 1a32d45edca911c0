package org.diffusionij.host;

import static org.junit.jupiter.api.Assertions.*;

import ij.ImagePlus;
import ij.ImageStack;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandService;

/**
 * Sizes are checked before pixel arrays are made: a tiny file whose header claims a huge image is refused in one
 * line saying its size, what it needs and what the heap has, at once and without filling the heap; an image too
 * large for its float copy is refused before the copy; running out of memory in a command is one message.
 */
class MemoryChecksTest {

	@TempDir
	Path dir;

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private int launch(String... args) {
		err.reset();
		PrintStream stdout = System.out;
		PrintStream o = new PrintStream(new ByteArrayOutputStream(), true);
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

	/** An uncompressed 8-bit TIFF whose header claims width × height pixels, with only a few bytes of them. */
	static byte[] claimingTiff(int width, int height) {
		ByteBuffer b = ByteBuffer.allocate(264).order(ByteOrder.LITTLE_ENDIAN);
		b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
		int[][] entries = { { 256, 4, width }, { 257, 4, height }, { 258, 3, 8 }, { 259, 3, 1 }, { 262, 3, 1 },
			{ 273, 4, 200 }, { 277, 3, 1 }, { 278, 4, height }, { 279, 4, 64 } };
		b.putShort((short) entries.length);
		for (int[] e : entries) {
			b.putShort((short) e[0]).putShort((short) e[1]).putInt(1);
			if (e[1] == 3) b.putShort((short) e[2]).putShort((short) 0);
			else b.putInt(e[2]);
		}
		b.putInt(0);
		return b.array();
	}

	/** A PNG whose header (IHDR) claims width × height RGB pixels, followed by no image data. */
	static byte[] claimingPng(int width, int height) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		DataOutputStream out = new DataOutputStream(bytes);
		out.write(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' });
		ByteBuffer ihdr = ByteBuffer.allocate(17);
		ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
			.put((byte) 0).put((byte) 0).put((byte) 0);
		out.writeInt(13);
		out.write(ihdr.array());
		CRC32 crc = new CRC32();
		crc.update(ihdr.array());
		out.writeInt((int) crc.getValue());
		out.writeInt(0);
		out.write("IEND".getBytes(StandardCharsets.US_ASCII));
		crc.reset();
		crc.update("IEND".getBytes(StandardCharsets.US_ASCII));
		out.writeInt((int) crc.getValue());
		return bytes.toByteArray();
	}

	private void assertRefusedAtOnce(Path file, String size) throws Exception {
		Path out = dir.resolve("out.tif");
		long t0 = System.nanoTime();
		assertEquals(1, launch("--run", ScaleTestCommand.LABEL, "input=[" + file + "] output=[" + out + "]"), err());
		double seconds = (System.nanoTime() - t0) / 1e9;
		String m = err();
		assertEquals(1, m.split("\n").length, "one line: " + m);
		assertTrue(m.startsWith("input=" + file + " (" + size + ") needs "), m);
		assertTrue(m.contains(" of Java heap to open, but ") && m.contains(" are free"), m);
		assertTrue(m.contains("Give Java more memory"), m);
		assertFalse(m.contains("OutOfMemoryError") || m.contains("\tat "), m);
		assertTrue(seconds < 5, "refused from the header, in " + seconds + " s");
		assertFalse(Files.exists(out));
	}

	@Test
	void aTinyTiffClaimingAHugeImageIsRefusedFromItsHeader() throws Exception {
		Path tif = dir.resolve("huge.tif");
		Files.write(tif, claimingTiff(100000, 100000));
		assertEquals(264, Files.size(tif));
		assertRefusedAtOnce(tif, "100000×100000 pixels, 1 plane of 8-bit");
		assertTrue(err().contains("needs 9.3 GiB") && err().contains("more than ImageJ can hold"), err());
	}

	@Test
	void aTruncatedTiffIsRefusedBeforeItsPixelsAreRead() throws Exception {
		Path tif = dir.resolve("cut.tif");
		Files.write(tif, claimingTiff(3000, 3000));
		Path out = dir.resolve("out.tif");
		assertEquals(1, launch("--run", ScaleTestCommand.LABEL, "input=[" + tif + "] output=[" + out + "]"), err());
		assertEquals("input=" + tif + " is truncated or damaged: its header describes 3000×3000 pixels, 1 plane of " +
			"8-bit, which ends 8.6 MiB after the file's end (264 bytes). Copy or export the file again.\n", err());
		assertFalse(Files.exists(out));
	}

	@Test
	void aPngClaimingAHugeImageIsRefusedFromItsHeader() throws Exception {
		Path png = dir.resolve("huge.png");
		Files.write(png, claimingPng(60000, 60000));
		assertRefusedAtOnce(png, "60000×60000 pixels, 1 plane of 32-bit or RGB");
	}

	@Test
	void denoiseFolderChecksEveryFileBeforeTheModelLoads() throws Exception {
		Path in = Files.createDirectories(dir.resolve("in"));
		Files.copy(Paths.get(MemoryChecksTest.class.getResource("/images/boats_crop.png").toURI()), in.resolve(
			"a.png"));
		Files.write(in.resolve("b.tif"), claimingTiff(70000, 70000));
		Path out = Files.createDirectories(dir.resolve("out"));
		assertEquals(1, launch("--run", DenoiseFolderCommand.LABEL, "input_folder=[" + in + "] output_folder=[" + out +
			"] model=[" + dir.resolve("no model") + "] sigma=10"));
		assertTrue(err().startsWith("input_folder: b.tif (70000×70000 pixels, 1 plane of 8-bit) needs "), err());
		assertEquals(0, out.toFile().list().length, "nothing computed, nothing written");
	}

	@Test
	void anImageTooLargeForItsFloatCopyIsRefusedBeforeTheCopy() {
		// 2000 planes of 4096×4096 that share one array: 32 GiB of pixels in 16 MiB of heap
		byte[] plane = new byte[4096 * 4096];
		ImageStack stack = new ImageStack(4096, 4096);
		for (int i = 0; i < 2000; i++) stack.addSlice("plane " + i, plane);
		ImagePlus image = new ImagePlus("big stack", stack);
		long free = HeapCheck.available(0);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageTensors.toPlanes(image));
		assertTrue(e.getMessage().startsWith("Image 'big stack' (4096×4096 pixels, 2000 planes) needs 125 GiB of " +
			"Java heap as 32-bit planes, but "), e.getMessage());
		assertTrue(HeapCheck.available(0) > free - (64 << 20), "no large array was made");

		Context context = CommandCall.newContext();
		try {
			Map<String, String> options = new HashMap<>();
			options.put("sigma", "10");
			IllegalStateException refused = assertThrows(IllegalStateException.class, () -> CommandCall.run(context,
				DiffusionCommands.find(context.service(CommandService.class), DenoiseCommand.LABEL), options, image,
				"an image"));
			assertTrue(refused.getMessage().contains("needs 125 GiB of Java heap"), refused.getMessage());
		}
		finally {
			context.dispose();
		}
	}

	@Test
	void runningOutOfMemoryInACommandIsOneMessage() throws Exception {
		File png = new File(MemoryChecksTest.class.getResource("/images/boats_crop.png").toURI());
		assertEquals(1, launch("--run", ScaleTestCommand.LABEL, "input=[" + png + "] output=[" + dir.resolve("x.tif") +
			"] exhaust_memory"));
		String m = err();
		assertEquals(1, m.split("\n").length, m);
		assertTrue(m.startsWith("Out of Java memory (Requested array size exceeds VM limit); the heap holds at most "),
			m);
		assertTrue(m.contains("Give Java more memory"), m);
	}

	@Test
	void sizesSaturateInsteadOfOverflowing() {
		assertEquals(Long.MAX_VALUE, HeapCheck.times(HeapCheck.times(100000L * 100000L, 100000L), 100000L));
		assertEquals(Long.MAX_VALUE, HeapCheck.plus(Long.MAX_VALUE - 1, 2));
		assertEquals("more than 8 EiB", HeapCheck.size(Long.MAX_VALUE));
		assertEquals("9.3 GiB", HeapCheck.size(10_000_000_000L));
		assertEquals("512 MiB", HeapCheck.size(512L << 20));
	}
}
