package org.diffusionij.updatesite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The checksum ImageJ's updater records for a file (its {@code UpdaterUtil.getDigest(path, file)}): SHA-1 as
 * lowercase hex. Fiji compares it with the checksum of the installed file; a mismatch shows the file as
 * locally modified, so the site must carry exactly the updater's value.
 * <p>
 * A file whose Fiji-relative path does not end in {@code .jar}: the digest of the path's ASCII bytes, then the
 * file's bytes. A jar: the path does not count; for every entry, sorted by name, the digest takes the name's
 * ASCII bytes, then the entry's content, where {@code .properties} entries pass through {@link
 * HashedLineFilter} and {@code META-INF/MANIFEST.MF} contributes no content at all. The last rule is how the
 * current updater behaves: its manifest filter is asked to keep only {@code Main-Class} lines, but it compares
 * the upper-cased line with the mixed-case prefix {@code "Main-Class:"}, which never matches, so every line is
 * dropped. Build stamps in the manifest ({@code Built-By}, {@code Implementation-Build}, dates) therefore never
 * change a jar's checksum.
 */
public final class UpdaterChecksum {

	static final String MANIFEST = "META-INF/MANIFEST.MF";

	private UpdaterChecksum() {}

	/**
	 * @param path the file's path relative to the Fiji folder, with forward slashes ({@code jars/api-0.36.0.jar})
	 * @param file the file's content
	 */
	public static String of(String path, Path file) throws IOException {
		MessageDigest sha1 = sha1();
		if (path.endsWith(".jar")) {
			digestJar(file, sha1);
		}
		else {
			sha1.update(path.getBytes(StandardCharsets.US_ASCII));
			sha1.update(Files.readAllBytes(file));
		}
		return hex(sha1.digest());
	}

	private static void digestJar(Path file, MessageDigest sha1) throws IOException {
		try (ZipFile zip = new ZipFile(file.toFile())) {
			List<ZipEntry> entries = new ArrayList<>();
			for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) entries.add(e.nextElement());
			Collections.sort(entries, (a, b) -> a.getName().compareTo(b.getName()));
			for (ZipEntry entry : entries) {
				String name = entry.getName();
				sha1.update(name.getBytes(StandardCharsets.US_ASCII));
				if (name.equals(MANIFEST)) continue;
				byte[] content;
				try (InputStream in = zip.getInputStream(entry)) {
					content = in.readAllBytes();
				}
				sha1.update(name.endsWith(".properties") ? HashedLineFilter.filter(content) : content);
			}
		}
	}

	private static MessageDigest sha1() {
		try {
			return MessageDigest.getInstance("SHA-1");
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("Every Java runtime has SHA-1", e);
		}
	}

	private static String hex(byte[] bytes) {
		StringBuilder sb = new StringBuilder(bytes.length * 2);
		for (byte b : bytes) sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
		return sb.toString();
	}
}
