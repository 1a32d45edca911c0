package org.diffusionij.io.hub;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A Hugging Face Hub stand-in on loopback serving one repository from a local folder, with the tree API,
 * the resolve endpoint, Range requests, and switches to cut a transfer short, corrupt or lengthen a file, list
 * files without hashes, and redirect file requests elsewhere (as the Hub sends LFS files to its CDN). It
 * records the Authorization header of every request. {@link FakeHubUpload} adds the upload endpoints.
 */
final class FakeHub implements AutoCloseable {

	final Map<String, byte[]> files = new TreeMap<>();
	final List<String> rangeRequests = new ArrayList<>();
	final String repo;
	volatile long cutAfterBytes = -1;
	volatile String corrupt;
	volatile String requiredToken;
	/** When set, file requests are answered with a redirect to this address plus the request's path. */
	volatile String redirectTo;
	volatile boolean omitHashes;
	/** A file served with more bytes than the listing says. */
	volatile String lengthen;
	/** "path Authorization-header-or-none" for every request. */
	final List<String> authorizations = java.util.Collections.synchronizedList(new ArrayList<>());
	/** The upload endpoints, on the same address, and the storage large files go to. */
	final FakeHubUpload upload;
	private final HttpServer server;

	FakeHub(String repo, Path folder) throws IOException {
		this(repo);
		try (Stream<Path> s = Files.walk(folder)) {
			for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
				files.put(folder.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
			}
		}
		upload.exists = true;
	}

	/** A Hub without the repository, which an upload creates. */
	FakeHub(String repo) throws IOException {
		this.repo = repo;
		server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		server.createContext("/", this::handle);
		upload = new FakeHubUpload(this);
		server.start();
	}

	String endpoint() {
		return "http://127.0.0.1:" + server.getAddress().getPort();
	}

	private void handle(HttpExchange ex) throws IOException {
		String path = ex.getRequestURI().getPath();
		String auth = ex.getRequestHeaders().getFirst("Authorization");
		authorizations.add(path + " " + (auth == null ? "none" : auth));
		if (upload.handle(ex)) return;
		if (redirectTo != null && path.contains("/resolve/")) {
			ex.getResponseHeaders().add("Location", redirectTo + ex.getRequestURI().getRawPath());
			reply(ex, 302, new byte[0]);
			return;
		}
		if (requiredToken != null &&
			!("Bearer " + requiredToken).equals(ex.getRequestHeaders().getFirst("Authorization")))
		{
			reply(ex, 401, new byte[0]);
			return;
		}
		String tree = "/api/models/" + repo + "/tree/main";
		String resolve = "/" + repo + "/resolve/main/";
		if (path.equals(tree)) reply(ex, 200, listing().getBytes(StandardCharsets.UTF_8));
		else if (path.startsWith(resolve) && files.containsKey(path.substring(resolve.length()))) {
			serve(ex, path.substring(resolve.length()));
		}
		else reply(ex, 404, new byte[0]);
	}

	private void serve(HttpExchange ex, String name) throws IOException {
		byte[] data = files.get(name).clone();
		if (name.equals(corrupt)) data[data.length / 2] ^= 1;
		if (name.equals(lengthen)) data = java.util.Arrays.copyOf(data, data.length + 1000);
		String range = ex.getRequestHeaders().getFirst("Range");
		int from = 0;
		if (range != null) {
			rangeRequests.add(name + " " + range);
			from = Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
		}
		int length = data.length - from;
		ex.sendResponseHeaders(range != null ? 206 : 200, length);
		try (OutputStream out = ex.getResponseBody()) {
			long cut = cutAfterBytes;
			if (cut >= 0 && cut < length) {
				out.write(data, from, (int) cut);
				out.flush();
				throw new IOException("cut");
			}
			out.write(data, from, length);
		}
	}

	private String listing() {
		JsonArray a = new JsonArray();
		for (Map.Entry<String, byte[]> e : files.entrySet()) {
			JsonObject o = new JsonObject();
			o.addProperty("type", "file");
			o.addProperty("path", e.getKey());
			o.addProperty("size", e.getValue().length);
			if (omitHashes) {
				a.add(o);
				continue;
			}
			try {
				Path tmp = Files.createTempFile("hub", ".bin");
				Files.write(tmp, e.getValue());
				byte[] prefix = ("blob " + e.getValue().length + "\0").getBytes(StandardCharsets.US_ASCII);
				o.addProperty("oid", HubDownloader.hash(tmp, "SHA-1", prefix));
				if (e.getKey().endsWith(".safetensors")) {
					JsonObject lfs = new JsonObject();
					lfs.addProperty("oid", HubDownloader.hash(tmp, "SHA-256", null));
					lfs.addProperty("size", e.getValue().length);
					o.add("lfs", lfs);
				}
				Files.delete(tmp);
			}
			catch (IOException x) {
				throw new IllegalStateException(x);
			}
			a.add(o);
		}
		return a.toString();
	}

	private static void reply(HttpExchange ex, int status, byte[] body) throws IOException {
		ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
		try (OutputStream out = ex.getResponseBody()) {
			out.write(body);
		}
	}

	@Override
	public void close() {
		server.stop(0);
		upload.close();
	}
}
