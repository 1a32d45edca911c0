package org.diffusionij.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Properties;

/**
 * What the {@link Conv2dCanary} found on this machine without the oneDNN guard, cached in
 * {@code ~/.diffusionij/onednn-canary.properties} under a key of CPU model, CPU flags, libtorch version and plugin
 * version: a new CPU, libtorch or plugin runs the canary again.
 */
final class CanaryVerdict {

	static final String FILE = "onednn-canary.properties";

	final String key;
	final String date;
	/** Unguarded results; all true when the canary crashed (nothing is trusted then). */
	final boolean forwardWrong;
	final boolean gradientsWrong;
	/** The canary JVM died (or gave no verdict) instead of answering: the guard stays on everywhere. */
	final boolean crashed;
	/** Guarded run (only made when unguarded gradients are wrong): null when not run. */
	final Boolean guardedGradientsWrong;
	final String details;

	CanaryVerdict(String key, String date, boolean forwardWrong, boolean gradientsWrong, boolean crashed,
		Boolean guardedGradientsWrong, String details)
	{
		this.key = key;
		this.date = date;
		this.forwardWrong = forwardWrong || crashed;
		this.gradientsWrong = gradientsWrong || crashed;
		this.crashed = crashed;
		this.guardedGradientsWrong = guardedGradientsWrong;
		this.details = details == null ? "" : details;
	}

	/** One line for Engine Info. */
	String summary() {
		if (crashed) return "canary of " + date + " did not finish (" + details + "): guard on everywhere";
		String s = "canary of " + date + ": unguarded forward " + (forwardWrong ? "WRONG" : "correct") +
			", gradients " + (gradientsWrong ? "WRONG" : "correct");
		if (guardedGradientsWrong != null) s += "; guarded gradients " + (guardedGradientsWrong ? "WRONG" : "correct");
		return s;
	}

	/** The folder for per-user state: {@code diffusionij.home}, else {@code ~/.diffusionij}. */
	static Path userFolder() {
		String home = System.getProperty("diffusionij.home");
		return home != null ? Paths.get(home) : Paths.get(System.getProperty("user.home"), ".diffusionij");
	}

	/** The machine's key: CPU model, a digest of its flags, libtorch version, plugin version, OS arch. */
	static String currentKey() {
		String model = "";
		String flags = "";
		Path cpuinfo = Paths.get("/proc/cpuinfo");
		try {
			if (Files.isReadable(cpuinfo)) {
				for (String line : Files.readAllLines(cpuinfo, StandardCharsets.UTF_8)) {
					if (model.isEmpty() && line.startsWith("model name")) model = value(line);
					if (flags.isEmpty() && line.startsWith("flags")) flags = value(line);
				}
			}
		}
		catch (IOException e) {
			// key without CPU details: the canary runs again when this changes
		}
		String plugin = CanaryVerdict.class.getPackage().getImplementationVersion();
		return "cpu=" + model + "; flags=" + digest(flags) + "; libtorch=" + libtorchVersion() + "; plugin=" +
			(plugin == null ? "development" : plugin) + "; arch=" + System.getProperty("os.arch");
	}

	/** The libtorch version DJL will load, read before it loads: PYTORCH_VERSION, the natives jar, DJL's default. */
	static String libtorchVersion() {
		String v = System.getProperty("PYTORCH_VERSION", System.getenv("PYTORCH_VERSION"));
		if (v != null) return v;
		v = property("native/lib/pytorch.properties", "version");
		if (v != null) return v + "-" + property("native/lib/pytorch.properties", "flavor");
		v = property("pytorch-engine.properties", "pytorch_version");
		String flavor = System.getProperty("PYTORCH_FLAVOR", System.getenv("PYTORCH_FLAVOR"));
		return (v == null ? "unknown" : v) + (flavor == null ? "" : "-" + flavor);
	}

	private static String property(String resource, String name) {
		try (InputStream in = CanaryVerdict.class.getClassLoader().getResourceAsStream(resource)) {
			if (in == null) return null;
			Properties p = new Properties();
			p.load(in);
			return p.getProperty(name);
		}
		catch (IOException e) {
			return null;
		}
	}

	private static String value(String line) {
		int colon = line.indexOf(':');
		return colon < 0 ? "" : line.substring(colon + 1).trim();
	}

	private static String digest(String text) {
		try {
			byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
			StringBuilder sb = new StringBuilder();
			for (int i = 0; i < 6; i++) sb.append(String.format(Locale.ROOT, "%02x", d[i]));
			return sb.toString();
		}
		catch (NoSuchAlgorithmException e) {
			return Integer.toHexString(text.hashCode());
		}
	}

	/** The cached verdict in {@code folder} if its key is {@code key}, else null. */
	static CanaryVerdict read(Path folder, String key) {
		Path file = folder.resolve(FILE);
		if (!Files.isRegularFile(file)) return null;
		Properties p = new Properties();
		try (InputStream in = Files.newInputStream(file)) {
			p.load(in);
		}
		catch (IOException | IllegalArgumentException e) {
			return null;
		}
		if (!key.equals(p.getProperty("key"))) return null;
		String guarded = p.getProperty("guarded.gradients");
		return new CanaryVerdict(key, p.getProperty("date", "?"), "wrong".equals(p.getProperty("forward")),
			"wrong".equals(p.getProperty("gradients")), Boolean.parseBoolean(p.getProperty("crashed")), guarded ==
				null ? null : "wrong".equals(guarded), p.getProperty("details"));
	}

	/** Writes the verdict into {@code folder} (atomically); a folder that cannot be written only loses the cache. */
	void write(Path folder) {
		Properties p = new Properties();
		p.setProperty("key", key);
		p.setProperty("date", date);
		p.setProperty("forward", forwardWrong ? "wrong" : "ok");
		p.setProperty("gradients", gradientsWrong ? "wrong" : "ok");
		p.setProperty("crashed", Boolean.toString(crashed));
		if (guardedGradientsWrong != null) p.setProperty("guarded.gradients", guardedGradientsWrong ? "wrong" : "ok");
		p.setProperty("details", details);
		try {
			Files.createDirectories(folder);
			Path tmp = Files.createTempFile(folder, FILE, ".tmp");
			try (OutputStream out = Files.newOutputStream(tmp)) {
				p.store(out, "oneDNN conv2d canary of Diffusion for ImageJ; delete to run it again");
			}
			Files.move(tmp, folder.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException e) {
			// not cached: the canary runs again at the next start
		}
	}
}
