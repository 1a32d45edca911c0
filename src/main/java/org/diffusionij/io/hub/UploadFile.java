package org.diffusionij.io.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One local file of an upload, as huggingface_hub's {@code CommitOperationAdd} with its {@code UploadInfo}:
 * the path in the repository, size, the first 512 bytes (the "sample" the preupload call sends), the SHA-256
 * of the content (the LFS object id) and, after the preupload call, the upload mode the Hub chose and the id
 * of the file the Hub already has at that path.
 */
final class UploadFile {

	final String pathInRepo;
	final Path file;
	final long size;
	final byte[] sample;
	final String sha256;
	/** "lfs" or "regular", as the Hub's preupload answer says. */
	String uploadMode;
	boolean shouldIgnore;
	/** The Hub's id of the file at this path (SHA-256 for LFS files, the Git blob id else), or null. */
	String remoteOid;

	UploadFile(String pathInRepo, Path file) throws IOException {
		this.pathInRepo = pathInRepo;
		this.file = file;
		this.size = Files.size(file);
		byte[] head = new byte[512];
		int n = 0;
		try (InputStream in = Files.newInputStream(file)) {
			for (int r; n < head.length && (r = in.read(head, n, head.length - n)) > 0;) n += r;
		}
		this.sample = Arrays.copyOf(head, n);
		this.sha256 = HubDownloader.hash(file, "SHA-256", null);
	}

	boolean isLfs() {
		return "lfs".equals(uploadMode);
	}

	/** The id huggingface_hub compares with {@link #remoteOid}: SHA-256 for LFS files, the Git blob SHA-1 else. */
	String localOid() throws IOException {
		if (isLfs()) return sha256;
		return HubDownloader.hash(file, "SHA-1", ("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
	}

	/** Whether the Hub already has this content at this path (then it is left out of the commit). */
	boolean unchanged() throws IOException {
		return remoteOid != null && remoteOid.equalsIgnoreCase(localOid());
	}
}
