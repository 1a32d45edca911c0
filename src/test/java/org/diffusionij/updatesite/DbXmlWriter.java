package org.diffusionij.updatesite;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes an update site's {@code db.xml.gz}: gzip of UTF-8 XML in the layout of the updater's {@code
 * XMLFileWriter}, with its document type declared inline so that a validating parser checks the file on its
 * own. A site index lists only {@code <plugin>} records (the list of update sites belongs to a Fiji
 * installation's local index, not to a site).
 */
public final class DbXmlWriter {

	/** The updater's document type for {@code db.xml.gz}, element for element and attribute for attribute. */
	public static final String DOCTYPE = "<!DOCTYPE pluginRecords [\n" +
		"<!ELEMENT pluginRecords ((update-site | disabled-update-site)*, plugin*)>\n" +
		"<!ELEMENT update-site EMPTY>\n" +
		"<!ELEMENT disabled-update-site EMPTY>\n" +
		"<!ELEMENT plugin (platform*, category*, version?, previous-version*)>\n" +
		"<!ELEMENT version (description?, dependency*, link*, author*)>\n" +
		"<!ELEMENT previous-version EMPTY>\n" +
		"<!ELEMENT description (#PCDATA)>\n" +
		"<!ELEMENT dependency EMPTY>\n" +
		"<!ELEMENT link (#PCDATA)>\n" +
		"<!ELEMENT author (#PCDATA)>\n" +
		"<!ELEMENT platform (#PCDATA)>\n" +
		"<!ELEMENT category (#PCDATA)>\n" +
		siteAttributes("update-site") +
		siteAttributes("disabled-update-site") +
		"<!ATTLIST plugin update-site CDATA #IMPLIED>\n" +
		"<!ATTLIST plugin filename CDATA #REQUIRED>\n" +
		"<!ATTLIST plugin executable CDATA #IMPLIED>\n" +
		"<!ATTLIST dependency filename CDATA #REQUIRED>\n" +
		"<!ATTLIST dependency timestamp CDATA #IMPLIED>\n" +
		"<!ATTLIST dependency overrides CDATA #IMPLIED>\n" +
		"<!ATTLIST version timestamp CDATA #REQUIRED>\n" +
		"<!ATTLIST version checksum CDATA #REQUIRED>\n" +
		"<!ATTLIST version filesize CDATA #REQUIRED>\n" +
		"<!ATTLIST previous-version filename CDATA #IMPLIED>\n" +
		"<!ATTLIST previous-version timestamp CDATA #REQUIRED>\n" +
		"<!ATTLIST previous-version timestamp-obsolete CDATA #IMPLIED>\n" +
		"<!ATTLIST previous-version checksum CDATA #REQUIRED>]>\n";

	private static final String INDENT = "    ";

	private DbXmlWriter() {}

	private static String siteAttributes(String element) {
		String prefix = "<!ATTLIST " + element + " ";
		return prefix + "name CDATA #REQUIRED>\n" + prefix + "url CDATA #REQUIRED>\n" +
			prefix + "ssh-host CDATA #IMPLIED>\n" + prefix + "upload-directory CDATA #IMPLIED>\n" +
			prefix + "description CDATA #IMPLIED>\n" + prefix + "maintainer CDATA #IMPLIED>\n" +
			prefix + "timestamp CDATA #REQUIRED>\n";
	}

	/** Writes the gzipped index of {@code files} to {@code out} and closes it. */
	public static void write(List<SiteFile> files, OutputStream out) throws IOException {
		try (Writer w = new OutputStreamWriter(new GZIPOutputStream(out), StandardCharsets.UTF_8)) {
			w.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
			w.write(DOCTYPE);
			w.write("<pluginRecords>\n");
			Map<String, SiteFile> byPath = new HashMap<>();
			for (SiteFile f : files) byPath.put(f.path, f);
			for (SiteFile f : files) writePlugin(f, byPath, w);
			w.write("</pluginRecords>\n");
		}
	}

	private static void writePlugin(SiteFile f, Map<String, SiteFile> byPath, Writer w) throws IOException {
		w.write(INDENT + "<plugin filename=\"" + escape(f.path) + "\">\n");
		w.write(INDENT + INDENT + "<version checksum=\"" + f.checksum + "\" timestamp=\"" + f.timestamp +
			"\" filesize=\"" + f.filesize + "\">\n");
		String inner = INDENT + INDENT + INDENT;
		if (f.description != null) w.write(inner + "<description>" + escape(f.description) + "</description>\n");
		for (String dependency : f.dependencies()) {
			SiteFile target = byPath.get(dependency);
			if (target == null) throw new IllegalArgumentException(f.path + " depends on " + dependency + ", not on the site");
			// the dependency's timestamp names the version of it that this file needs
			w.write(inner + "<dependency filename=\"" + escape(dependency) + "\" timestamp=\"" + target.timestamp +
				"\"/>\n");
		}
		w.write(INDENT + INDENT + "</version>\n");
		w.write(INDENT + "</plugin>\n");
	}

	/** Escapes text for element content and double-quoted attribute values. */
	static String escape(String s) {
		StringBuilder sb = new StringBuilder(s.length());
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			switch (c) {
				case '&':
					sb.append("&amp;");
					break;
				case '<':
					sb.append("&lt;");
					break;
				case '>':
					sb.append("&gt;");
					break;
				case '"':
					sb.append("&quot;");
					break;
				default:
					sb.append(c);
			}
		}
		return sb.toString();
	}
}
