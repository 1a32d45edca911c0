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
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Downloads a diffusers model folder from the Hugging Face Hub. The whole file list is checked before anything
 * is written (every name must stay inside the folder). Files go into {@code <target>.download/}, each first as
 * {@code <file>.part}; an interrupted download ({@link DownloadInterruptedException}: connection lost, server
 * busy, cancelled) resumes from the bytes already there (HTTP Range). Every file is checked against the Hub's
 * size and, where the Hub gives one, its hash (SHA-256 for LFS files, the Git blob id otherwise) before it is
 * kept, also files kept from an earlier run; a file longer than listed is cut off as it arrives. The folder is
 * moved to {@code target} only when all files are complete, so a model folder is never half there, and any
 * failure other than an interruption removes the staging folder.
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
		List<HubFile> all = client.listFiles(repoId, revision);
		Path staging = target.resolveSibling(target.getFileName() + ".download");
		try {
			for (HubFile f : all) check(staging, f);
			List<HubFile> files = FileSelection.select(all, variant);
			if (files.stream().noneMatch(f -> f.path.equals("model_index.json"))) {
				throw new IOException(repoId + " has no model_index.json, so it is not a diffusers pipeline folder.");
			}
			long total = files.stream().mapToLong(f -> f.size).sum();
			long done = 0;
			for (HubFile f : files) {
				Path dest = resolveInside(staging, f.path);
				if (!kept(f, dest)) fetch(repoId, revision, f, dest, done, total, listener);
				done += f.size;
				listener.progress(f.path, done, total);
			}
			Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
			return target;
		}
		catch (DownloadInterruptedException e) {
			throw e; // the staging folder stays for the next run to resume
		}
		catch (IOException | RuntimeException e) {
			deleteTree(staging);
			throw e;
		}
	}

	/** A listed file must have a safe name, a size and a well-formed hash, or nothing of the list is written. */
	private static void check(Path staging, HubFile f) throws IOException {
		resolveInside(staging, f.path);
		if (f.size < 0) throw new IOException("The Hub listed " + f.path + " with a negative size (" + f.size + ").");
		if (f.sha256 != null && !f.sha256.matches("[0-9a-fA-F]{64}")) {
			throw new IOException("The Hub listed " + f.path + " with a SHA-256 that is not one: " + f.sha256);
		}
		if (f.gitOid != null && !f.gitOid.matches("[0-9a-fA-F]{40}([0-9a-fA-F]{24})?")) {
			throw new IOException("The Hub listed " + f.path + " with a Git blob id that is not one: " + f.gitOid);
		}
	}

	/** Whether a file completed by an earlier run is still whole; one that is not is deleted and fetched again. */
	private static boolean kept(HubFile f, Path dest) throws IOException {
		if (!Files.isRegularFile(dest)) return false;
		if (Files.size(dest) == f.size && matches(f, dest)) return true;
		Files.delete(dest);
		return false;
	}

	private static void deleteTree(Path folder) {
		if (!Files.exists(folder)) return;
		try (Stream<Path> files = Files.walk(folder)) {
			for (Path p : files.sorted(Comparator.reverseOrder()).toArray(Path[]::new)) Files.deleteIfExists(p);
		}
		catch (IOException e) {
			// the original failure is what the user needs to read
		}
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
			long have = offset;
			try (InputStream in = r.body();
				OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
					append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING))
			{
				byte[] buf = new byte[CHUNK];
				// one byte more than listed is read, to tell a longer file; a stream without end stops there
				for (int n; have <= f.size && (n = in.read(buf, 0, (int) Math.min(buf.length, f.size + 1 - have))) > 0;) {
					out.write(buf, 0, n);
					have += n;
					listener.progress(f.path, before + Math.min(have, f.size), total);
					if (listener.isCancelled()) {
						throw new DownloadInterruptedException("Download cancelled; run it again to resume.", null);
					}
				}
			}
			catch (DownloadInterruptedException e) {
				throw e;
			}
			catch (IOException e) {
				throw new DownloadInterruptedException("The download of " + f.path + " stopped after " + have + " of " +
					f.size + " bytes (" + e.getMessage() + "); run it again to resume.", e);
			}
		}
		verify(f, part);
		Files.move(part, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	private static void verify(HubFile f, Path part) throws IOException {
		long size = Files.size(part);
		if (size < f.size) {
			throw new DownloadInterruptedException(f.path + " arrived with " + size + " bytes instead of " + f.size +
				"; run the download again to resume it.", null);
		}
		if (size > f.size) {
			Files.delete(part);
			throw new IOException(f.path + " is corrupt: the server sent more than the " + f.size + " bytes the Hub " +
				"lists; it was deleted, run the download again.");
		}
		if (!matches(f, part)) {
			Files.delete(part);
			throw new IOException(f.path + " is corrupt (its hash is not the " + (f.sha256 != null ? "SHA-256 " +
				f.sha256 : "Git blob id " + f.gitOid) + " the Hub lists); it was deleted, run the download again.");
		}
	}

	/** Whether the file has the Hub's hash: SHA-256 for LFS files, else the Git blob id; true without either. */
	private static boolean matches(HubFile f, Path file) throws IOException {
		if (f.sha256 != null) return hash(file, "SHA-256", null).equalsIgnoreCase(f.sha256);
		if (f.gitOid == null) return true;
		String algorithm = f.gitOid.length() == 64 ? "SHA-256" : "SHA-1";
		return hash(file, algorithm, ("blob " + Files.size(file) + "\0").getBytes(StandardCharsets.US_ASCII))
			.equalsIgnoreCase(f.gitOid);
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

	/** The file's place in the folder; names that could leave it or mean different files elsewhere are refused. */
	private static Path resolveInside(Path root, String relative) throws IOException {
		boolean safe = relative != null && !relative.isEmpty() && !relative.startsWith("/") && !relative.contains("\\") &&
			relative.chars().noneMatch(c -> c < 0x20 || c == 0x7f) && !relative.contains(":");
		if (safe) {
			for (String part : relative.split("/", -1)) {
				if (part.isEmpty() || part.equals(".") || part.equals("..")) safe = false;
			}
		}
		Path p = safe ? root.resolve(relative).normalize() : null;
		if (p == null || !p.startsWith(root.normalize())) {
			throw new IOException("The Hub listed an unsafe file name: " + relative + "; nothing was downloaded.");
		}
		return p;
	}
}
