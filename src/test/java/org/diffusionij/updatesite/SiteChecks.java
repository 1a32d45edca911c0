package org.diffusionij.updatesite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * What every update site written by the build must satisfy, shared by the unit tests (synthetic sites) and the
 * integration test (the site of the real build): the index is valid against its inline document type, every
 * record's stored file exists as {@code <path>-<timestamp>} with the recorded size and an independently
 * recomputed checksum, every dependency names a record, and the site holds nothing the index does not list.
 */
final class SiteChecks {

	/** One {@code <plugin>} record of {@code db.xml.gz}. */
	static final class Record {
		String filename;
		String checksum;
		String timestamp;
		long filesize;
		String description;
		final List<String> dependencies = new ArrayList<>();
	}

	private SiteChecks() {}

	/** Parses a {@code db.xml.gz} with a validating parser; any DTD violation throws. */
	static Map<String, Record> parse(Path dbXmlGz) throws Exception {
		DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
		factory.setValidating(true);
		DocumentBuilder builder = factory.newDocumentBuilder();
		builder.setErrorHandler(new ErrorHandler() {

			@Override
			public void warning(SAXParseException e) throws SAXException {
				throw e;
			}

			@Override
			public void error(SAXParseException e) throws SAXException {
				throw e;
			}

			@Override
			public void fatalError(SAXParseException e) throws SAXException {
				throw e;
			}
		});
		Document doc;
		try (InputStream in = new GZIPInputStream(Files.newInputStream(dbXmlGz))) {
			doc = builder.parse(in);
		}
		assertEquals("pluginRecords", doc.getDoctype().getName());
		Map<String, Record> records = new LinkedHashMap<>();
		NodeList plugins = doc.getElementsByTagName("plugin");
		for (int i = 0; i < plugins.getLength(); i++) {
			Element plugin = (Element) plugins.item(i);
			Element version = (Element) plugin.getElementsByTagName("version").item(0);
			Record r = new Record();
			r.filename = plugin.getAttribute("filename");
			r.checksum = version.getAttribute("checksum");
			r.timestamp = version.getAttribute("timestamp");
			r.filesize = Long.parseLong(version.getAttribute("filesize"));
			NodeList description = version.getElementsByTagName("description");
			if (description.getLength() > 0) r.description = description.item(0).getTextContent();
			NodeList dependencies = version.getElementsByTagName("dependency");
			for (int d = 0; d < dependencies.getLength(); d++) {
				r.dependencies.add(((Element) dependencies.item(d)).getAttribute("filename"));
			}
			records.put(r.filename, r);
		}
		return records;
	}

	/** Checks the whole site folder and returns its records by Fiji path. */
	static Map<String, Record> verify(Path siteDir) throws Exception {
		Map<String, Record> records = parse(siteDir.resolve("db.xml.gz"));
		List<String> expectedFiles = new ArrayList<>();
		expectedFiles.add("db.xml.gz");
		for (Record r : records.values()) {
			assertTrue(r.timestamp.matches("\\d{14}"), "timestamp yyyyMMddHHmmss: " + r.timestamp);
			assertTrue(r.checksum.matches("[0-9a-f]{40}"), "lowercase SHA-1 hex: " + r.checksum);
			String stored = r.filename + "-" + r.timestamp;
			Path file = siteDir.resolve(stored);
			assertTrue(Files.isRegularFile(file), "stored file " + stored);
			assertEquals(r.filesize, Files.size(file), "filesize of " + stored);
			assertEquals(ReferenceChecksum.of(r.filename, file), r.checksum, "checksum of " + r.filename);
			for (String dependency : r.dependencies) {
				assertTrue(records.containsKey(dependency), r.filename + " depends on unlisted " + dependency);
			}
			expectedFiles.add(stored);
		}
		List<String> actualFiles = new ArrayList<>();
		try (Stream<Path> walk = Files.walk(siteDir)) {
			walk.filter(Files::isRegularFile).forEach(p -> actualFiles.add(siteDir.relativize(p).toString().replace('\\', '/')));
		}
		actualFiles.sort(null);
		expectedFiles.sort(null);
		assertEquals(expectedFiles, actualFiles, "the site holds exactly the listed files and the index");
		return records;
	}
}
