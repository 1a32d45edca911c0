package org.diffusionij.updatesite;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One file of the update site as the updater's {@code db.xml.gz} describes it: its Fiji-relative path, the
 * checksum and size of the current version, the upload timestamp ({@code yyyyMMddHHmmss}) that is also the
 * suffix of the stored copy, a one-line description and the files it depends on.
 */
public final class SiteFile {

	public final String path;
	public final String checksum;
	public final long filesize;
	public final long timestamp;
	public final String description;
	private final List<String> dependencies = new ArrayList<>();

	public SiteFile(String path, String checksum, long filesize, long timestamp, String description) {
		this.path = path;
		this.checksum = checksum;
		this.filesize = filesize;
		this.timestamp = timestamp;
		this.description = description;
	}

	/** Declares that the updater must install {@code dependencyPath} together with this file. */
	public void addDependency(String dependencyPath) {
		dependencies.add(dependencyPath);
	}

	public List<String> dependencies() {
		return Collections.unmodifiableList(dependencies);
	}

	/** The name under which the site stores this version: {@code <path>-<timestamp>}. */
	public String storedName() {
		return path + "-" + timestamp;
	}
}
