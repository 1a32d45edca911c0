package org.diffusionij.io.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Downloads a diffusers model folder from the Hugging Face Hub. Files go into {@code <target>.download/},
 * each first as {@code <file>.part}; an interrupted download resumes from the bytes already there (HTTP
 * Range). Every file is checked against the Hub's size and hash (SHA-256 for LFS files, the Git blob id
 * otherwise) before it is kept, and the folder is moved to {@code target} only when all files are complete,
 * so a model folder is never half there.
 */
public final class HubDownloader {

	private static final int CHUNK = 1 << 16;

	private final HubClient client;

	public HubDownloader(HubClient client) {
		this.client = client;
	}

	/**
	 * @param variant "fp16" for half-precision weights where the repository has them, or null
	 * @return the complete folder ({@code target})
	 */
	public Path download(String repoId, String revision, String variant, Path target, TransferListener listener)
		throws IOException
	{
		if (Files.exists(target)) {
			throw new IOException(target + " already exists; choose it as a local model or pick another folder.");
		}
		List<HubFile> files = FileSelection.select(client.listFiles(repoId, revision), variant);
		if (files.stream().noneMatch(f -> f.path.equals("model_index.json"))) {
			throw new IOException(repoId + " has no model_index.json, so it is not a diffusers pipeline folder.");
		}
		long total = files.stream().mapToLong(f -> f.size).sum();
		Path staging = target.resolveSibling(target.getFileName() + ".download");
		long done = 0;
		for (HubFile f : files) {
			Path dest = resolveInside(staging, f.path);
			if (!(Files.isRegularFile(dest) && Files.size(dest) == f.size)) {
				fetch(repoId, revision, f, dest, done, total, listener);
			}
			done += f.size;
			listener.progress(f.path, done, total);
		}
		Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
		return target;
	}

	private void fetch(String repoId, String revision, HubFile f, Path dest, long before, long total,
		TransferListener listener) throws IOException
	{
		Files.createDirectories(dest.getParent());
		Path part = dest.resolveSibling(dest.getFileName() + ".part");
		long offset = Files.isRegularFile(part) ? Files.size(part) : 0;
		if (offset > f.size) {
			Files.delete(part);
			offset = 0;
		}
		if (offset < f.size || f.size == 0) {
			HttpResponse<InputStream> r = client.open(repoId, revision, f.path, offset);
			boolean append = r.statusCode() == 206 && offset > 0;
			if (!append) offset = 0;
			try (InputStream in = r.body();
				OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
					append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING))
			{
				byte[] buf = new byte[CHUNK];
				long have = offset;
				for (int n; (n = in.read(buf)) > 0;) {
					out.write(buf, 0, n);
					have += n;
					listener.progress(f.path, before + have, total);
					if (listener.isCancelled()) throw new IOException("Download cancelled; run it again to resume.");
				}
			}
		}
		verify(f, part);
		Files.move(part, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	private static void verify(HubFile f, Path part) throws IOException {
		long size = Files.size(part);
		if (size != f.size) {
			throw new IOException(f.path + " arrived with " + size + " bytes instead of " + f.size +
				"; run the download again to resume it.");
		}
		String expected = f.sha256 != null ? f.sha256 : f.gitOid;
		if (expected == null) return;
		String actual = f.sha256 != null ? hash(part, "SHA-256", null) :
			hash(part, "SHA-1", ("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
		if (!actual.equalsIgnoreCase(expected)) {
			Files.delete(part);
			throw new IOException(f.path + " is corrupt (hash " + actual + ", expected " + expected + "); it was " +
				"deleted, run the download again.");
		}
	}

	static String hash(Path file, String algorithm, byte[] prefix) throws IOException {
		MessageDigest md;
		try {
			md = MessageDigest.getInstance(algorithm);
		}
		catch (NoSuchAlgorithmException e) {
			throw new IOException(e);
		}
		if (prefix != null) md.update(prefix);
		try (InputStream in = Files.newInputStream(file)) {
			byte[] buf = new byte[CHUNK];
			for (int n; (n = in.read(buf)) > 0;) md.update(buf, 0, n);
		}
		StringBuilder sb = new StringBuilder();
		for (byte b : md.digest()) sb.append(String.format("%02x", b));
		return sb.toString();
	}

	private static Path resolveInside(Path root, String relative) throws IOException {
		Path p = root.resolve(relative).normalize();
		if (!p.startsWith(root.normalize()) || relative.startsWith("/")) {
			throw new IOException("The Hub listed an unsafe file name: " + relative);
		}
		return p;
	}
}
