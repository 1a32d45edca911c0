package org.diffusionij.updatesite;

import java.io.ByteArrayOutputStream;

/**
 * Drops comment lines from a {@code .properties} entry the way ImageJ's updater does before checksumming, so
 * that the date comment {@code java.util.Properties} and Maven write into {@code pom.properties} does not
 * make a rebuilt jar look changed.
 * <p>
 * The updater's rule is a small state machine, reproduced here byte for byte, quirks included: a {@code #}
 * at the start of a line starts a skip that ends at the next line feed, and that line feed is kept; a line
 * feed met at the start of a line (an empty line, or the end of an empty comment {@code "#\n"}) clears the
 * start-of-line state, so a {@code #} right after it is kept. Only this exact behaviour gives checksums that
 * Fiji accepts as up to date.
 */
final class HashedLineFilter {

	private HashedLineFilter() {}

	/** The bytes the updater digests for a {@code .properties} entry with the given content. */
	static byte[] filter(byte[] content) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(content.length);
		boolean atLineStart = true;
		boolean skipping = false;
		for (byte b : content) {
			if (atLineStart && b == '#') {
				// a comment, or a nested one inside a skip: both skip to the next line feed
				skipping = true;
				continue;
			}
			if (atLineStart) atLineStart = false;
			else if (b == '\n') atLineStart = true;
			if (!skipping) out.write(b);
			else if (b == '\n') {
				skipping = false;
				out.write(b);
			}
		}
		return out.toByteArray();
	}
}
