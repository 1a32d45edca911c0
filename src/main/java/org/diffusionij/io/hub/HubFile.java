package org.diffusionij.io.hub;

/**
 * One file of a Hub repository as the tree API lists it: its path, size, and the hash to verify it with —
 * the SHA-256 of the content for files stored in Git LFS (all weights), otherwise the Git blob SHA-1.
 */
public final class HubFile {

	public final String path;
	public final long size;
	/** Lowercase hex SHA-256 of the content, or null when the file is not in LFS. */
	public final String sha256;
	/** Lowercase hex Git blob id (SHA-1 of "blob SIZE\0" + content), or null. */
	public final String gitOid;

	public HubFile(String path, long size, String sha256, String gitOid) {
		this.path = path;
		this.size = size;
		this.sha256 = sha256;
		this.gitOid = gitOid;
	}

	@Override
	public String toString() {
		return path + " (" + size + " bytes)";
	}
}
