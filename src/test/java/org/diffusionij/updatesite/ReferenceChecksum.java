package org.diffusionij.updatesite;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A second, independent computation of the updater's checksum for the tests: it reads jars as a stream of
 * local entries (not the central directory), filters {@code .properties} with a recursive reader shaped like
 * the updater's own, and formats hex with {@link String#format}. Agreement with {@link UpdaterChecksum} on
 * the same files is what the tests check.
 */
final class ReferenceChecksum {

	private ReferenceChecksum() {}

	static String of(String fijiPath, Path file) throws Exception {
		MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
		if (!fijiPath.endsWith(".jar")) {
			sha1.update(fijiPath.getBytes(StandardCharsets.US_ASCII));
			sha1.update(Files.readAllBytes(file));
		}
		else {
			Map<String, byte[]> entries = new TreeMap<>();
			try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
				for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
					entries.put(e.getName(), zip.readAllBytes());
				}
			}
			for (Map.Entry<String, byte[]> e : entries.entrySet()) {
				String name = e.getKey();
				sha1.update(name.getBytes(StandardCharsets.US_ASCII));
				if (name.equals("META-INF/MANIFEST.MF")) continue; // the updater's filter keeps no manifest line
				sha1.update(name.endsWith(".properties") ? skipHashedLines(e.getValue()) : e.getValue());
			}
		}
		StringBuilder hex = new StringBuilder();
		for (byte b : sha1.digest()) hex.append(String.format("%02x", b));
		return hex.toString();
	}

	/** The updater's comment skipping, as a recursive single-byte reader over the content. */
	static byte[] skipHashedLines(byte[] content) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		RecursiveReader reader = new RecursiveReader(new ByteArrayInputStream(content));
		for (int c = reader.read(); c >= 0; c = reader.read()) out.write(c);
		return out.toByteArray();
	}

	private static final class RecursiveReader {

		private final InputStream in;
		private boolean atLineStart = true;

		RecursiveReader(InputStream in) {
			this.in = in;
		}

		int read() throws IOException {
			int c = in.read();
			if (atLineStart) {
				if (c == '#') {
					do {
						c = read();
					}
					while (c != '\n' && c != -1);
				}
				else atLineStart = false;
			}
			else if (c == '\n') atLineStart = true;
			return c;
		}
	}
}
