package org.diffusionij.updatesite;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds small jars for the tests, entries in the order given (a name ending in '/' is a directory). */
final class TestJars {

	private final Map<String, byte[]> entries = new LinkedHashMap<>();

	TestJars put(String name, String content) {
		entries.put(name, content.getBytes(StandardCharsets.UTF_8));
		return this;
	}

	TestJars put(String name, byte[] content) {
		entries.put(name, content);
		return this;
	}

	Path write(Path file) throws IOException {
		Files.createDirectories(file.getParent());
		try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
			for (Map.Entry<String, byte[]> e : entries.entrySet()) {
				zip.putNextEntry(new ZipEntry(e.getKey()));
				zip.write(e.getValue());
				zip.closeEntry();
			}
		}
		return file;
	}

	/** A jar with the parts a Maven build writes: manifest, pom.properties with its date comment, a class. */
	static TestJars mavenLike(String manifest, String pomProperties) {
		return new TestJars().put("META-INF/", "").put("META-INF/MANIFEST.MF", manifest)
			.put("META-INF/maven/org.example/demo/pom.properties", pomProperties)
			.put("org/example/Demo.class", new byte[] { (byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe, 0, 0, 0, 55 });
	}
}
