package org.diffusionij.io.hub;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The upload side of {@link FakeHub}, answering as the Hub answers huggingface_hub's {@code create_repo},
 * {@code create_branch}, {@code validate-yaml}, {@code preupload}, the LFS batch API (basic and multipart
 * transfers, verify) and the NDJSON {@code commit} (shapes from huggingface_hub's hf_api.py, _commit_api.py and
 * lfs.py, which validate them). Large objects go to a second server on another port, the storage (as the Hub
 * sends them to S3), so a token must not follow them there. A commit is applied whole or refused whole. Every
 * request is recorded with its method, origin, headers and body.
 */
final class FakeHubUpload {

	/** One recorded request. */
	static final class Request {
		final String method, origin, path, query;
		final Map<String, String> headers;
		final byte[] body;

		Request(String method, String origin, HttpExchange ex, byte[] body) {
			this.method = method;
			this.origin = origin;
			this.path = ex.getRequestURI().getPath();
			this.query = ex.getRequestURI().getRawQuery();
			Map<String, String> h = new TreeMap<>();
			ex.getRequestHeaders().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v.get(0)));
			this.headers = h;
			this.body = body;
		}

		String text() {
			return new String(body, StandardCharsets.UTF_8);
		}

		JsonObject json() {
			return JsonParser.parseString(text()).getAsJsonObject();
		}

		@Override
		public String toString() {
			return method + " " + origin + path;
		}
	}

	final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
	/** Objects in the storage by SHA-256. */
	final Map<String, byte[]> storage = new ConcurrentHashMap<>();
	/** Objects above this size get a multipart upload in parts of {@link #chunkSize}. */
	volatile long multipartAbove = 1 << 20;
	volatile int chunkSize = 256 << 10;
	/** The next this many storage PUTs are answered 503 (a busy storage, for the backoff). */
	volatile int busyPuts;
	/** When set, every request of the upload API is answered with this status. */
	volatile int refuseAllWith;
	volatile boolean exists;
	volatile int commits;
	volatile String head = "0000000000000000000000000000000000000000";
	final List<String> branches = Collections.synchronizedList(new ArrayList<>(Collections.singletonList("main")));

	private final FakeHub hub;
	private final HttpServer storageServer;
	private final Map<String, Map<Integer, byte[]>> parts = new ConcurrentHashMap<>();

	FakeHubUpload(FakeHub hub) throws IOException {
		this.hub = hub;
		storageServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		storageServer.createContext("/", this::storage);
		storageServer.start();
	}

	String storageAddress() {
		return "http://127.0.0.1:" + storageServer.getAddress().getPort();
	}

	void close() {
		storageServer.stop(0);
	}

	/** Answers an upload request to the Hub; false when {@code ex} is none. */
	boolean handle(HttpExchange ex) throws IOException {
		String path = ex.getRequestURI().getPath();
		String method = ex.getRequestMethod();
		String api = "/api/models/" + hub.repo;
		boolean upload = path.equals("/api/repos/create") || path.equals("/api/validate-yaml") || path.startsWith(
			api + "/") && !path.startsWith(api + "/tree/") || path.equals(api) || path.startsWith("/" + hub.repo +
				".git/") || path.startsWith("/lfs-complete/");
		if (!upload) return false;
		byte[] body = ex.getRequestBody().readAllBytes();
		Request r = new Request(method, "hub", ex, body);
		requests.add(r);
		if (refuseAllWith != 0) return json(ex, refuseAllWith, error("refused by the test"));
		if (path.startsWith("/lfs-complete/")) return complete(ex, r, path.substring("/lfs-complete/".length()));
		if (!authorised(r)) return json(ex, 401, error("Invalid credentials in Authorization header"));
		if (path.equals("/api/repos/create")) return create(ex, r);
		if (path.equals("/api/validate-yaml")) return json(ex, 200, "{\"errors\":[],\"warnings\":[]}");
		if (!exists) return json(ex, 404, error("Repository not found"));
		if (path.equals(api) && method.equals("GET")) return json(ex, 200, "{\"id\":\"" + hub.repo + "\",\"sha\":\"" +
			head + "\"}");
		if (path.startsWith(api + "/branch/")) {
			String b = path.substring((api + "/branch/").length());
			if (branches.contains(b)) return json(ex, 409, error("Reference already exists"));
			branches.add(b);
			return json(ex, 200, "{}");
		}
		if (path.startsWith(api + "/preupload/")) return preupload(ex, r);
		if (path.equals("/" + hub.repo + ".git/info/lfs/objects/batch")) return batch(ex, r);
		if (path.equals("/" + hub.repo + ".git/info/lfs/objects/verify")) return verify(ex, r);
		if (path.startsWith(api + "/commit/")) return commit(ex, r);
		return json(ex, 404, error("not found"));
	}

	private boolean authorised(Request r) {
		String required = hub.requiredToken;
		String auth = r.headers.get("authorization");
		return required == null ? auth != null : ("Bearer " + required).equals(auth);
	}

	private boolean create(HttpExchange ex, Request r) throws IOException {
		JsonObject b = r.json();
		if (!hub.repo.equals(b.get("organization").getAsString() + "/" + b.get("name").getAsString())) {
			return json(ex, 403, error("You don't have the rights to create a model under this namespace"));
		}
		if (exists) return json(ex, 409, "{\"error\":\"You already created this model repo\",\"url\":\"" + hub
			.endpoint() + "/" + hub.repo + "\"}");
		exists = true;
		return json(ex, 200, "{\"url\":\"" + hub.endpoint() + "/" + hub.repo + "\",\"name\":\"" + hub.repo + "\"}");
	}

	private boolean preupload(HttpExchange ex, Request r) throws IOException {
		JsonArray out = new JsonArray();
		for (JsonElement e : r.json().getAsJsonArray("files")) {
			JsonObject f = e.getAsJsonObject();
			String path = f.get("path").getAsString();
			byte[] sample = Base64.getDecoder().decode(f.get("sample").getAsString());
			boolean lfs = isLfs(path, sample, f.get("size").getAsLong());
			JsonObject o = new JsonObject();
			o.addProperty("path", path);
			o.addProperty("uploadMode", lfs ? "lfs" : "regular");
			o.addProperty("shouldIgnore", false);
			byte[] have = hub.files.get(path);
			if (have != null) o.addProperty("oid", lfs ? hex("SHA-256", have, null) : hex("SHA-1", have, ("blob " +
				have.length + "\0").getBytes(StandardCharsets.US_ASCII)));
			out.add(o);
		}
		JsonObject answer = new JsonObject();
		answer.add("files", out);
		return json(ex, 200, answer.toString());
	}

	/** As the Hub's default .gitattributes and its binary check: weights, archives, binary samples, 10 MB+. */
	static boolean isLfs(String path, byte[] sample, long size) {
		String p = path.toLowerCase(Locale.ROOT);
		for (String ext : new String[] { ".safetensors", ".bin", ".ckpt", ".pt", ".pth", ".onnx", ".h5", ".msgpack",
			".npy", ".zip", ".tar", ".gz", ".png", ".tif" })
		{
			if (p.endsWith(ext)) return true;
		}
		for (byte b : sample) {
			if (b == 0) return true;
		}
		return size >= 10L << 20;
	}

	private boolean batch(HttpExchange ex, Request r) throws IOException {
		if (!"application/vnd.git-lfs+json".equals(r.headers.get("accept")) || !"application/vnd.git-lfs+json".equals(
			r.headers.get("content-type")))
		{
			return json(ex, 406, error("LFS media types expected"));
		}
		JsonObject b = r.json();
		JsonArray objects = new JsonArray();
		String transfer = "basic";
		for (JsonElement e : b.getAsJsonArray("objects")) {
			String oid = e.getAsJsonObject().get("oid").getAsString();
			long size = e.getAsJsonObject().get("size").getAsLong();
			JsonObject o = new JsonObject();
			o.addProperty("oid", oid);
			o.addProperty("size", size);
			if (!storage.containsKey(oid)) {
				JsonObject actions = new JsonObject();
				JsonObject upload = new JsonObject();
				JsonObject header = new JsonObject();
				if (size > multipartAbove) {
					transfer = "multipart";
					upload.addProperty("href", hub.endpoint() + "/lfs-complete/" + oid + "?uploadId=u" + oid.substring(0, 8));
					header.addProperty("chunk_size", String.valueOf(chunkSize));
					for (int i = 1; (long) (i - 1) * chunkSize < size; i++) {
						header.addProperty(String.valueOf(i), storageAddress() + "/part/" + oid + "/" + i + "?X-Amz-Signature=s");
					}
				}
				else upload.addProperty("href", storageAddress() + "/object/" + oid + "?X-Amz-Signature=s");
				upload.add("header", header);
				actions.add("upload", upload);
				JsonObject verify = new JsonObject();
				verify.addProperty("href", hub.endpoint() + "/" + hub.repo + ".git/info/lfs/objects/verify");
				verify.add("header", new JsonObject());
				actions.add("verify", verify);
				o.addProperty("authenticated", true);
				o.add("actions", actions);
			}
			objects.add(o);
		}
		JsonObject answer = new JsonObject();
		answer.addProperty("transfer", transfer);
		answer.add("objects", objects);
		return json(ex, 200, answer.toString());
	}

	private void storage(HttpExchange ex) throws IOException {
		byte[] body = ex.getRequestBody().readAllBytes();
		Request r = new Request(ex.getRequestMethod(), "storage", ex, body);
		requests.add(r);
		if (busyPuts > 0) {
			busyPuts--;
			json(ex, 503, "");
			return;
		}
		String[] p = r.path.split("/");
		if (p[1].equals("object") && hex("SHA-256", body, null).equals(p[2])) {
			storage.put(p[2], body);
			json(ex, 200, "");
		}
		else if (p[1].equals("part")) {
			parts.computeIfAbsent(p[2], k -> new ConcurrentHashMap<>()).put(Integer.parseInt(p[3]), body);
			ex.getResponseHeaders().add("ETag", "\"" + hex("MD5", body, null) + "\"");
			json(ex, 200, "");
		}
		else json(ex, 400, "<Error><Code>BadDigest</Code></Error>");
	}

	private boolean complete(HttpExchange ex, Request r, String oid) throws IOException {
		Map<Integer, byte[]> got = parts.getOrDefault(oid, Collections.emptyMap());
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		JsonArray list = r.json().getAsJsonArray("parts");
		for (int i = 0; i < list.size(); i++) {
			JsonObject part = list.get(i).getAsJsonObject();
			byte[] data = got.get(part.get("partNumber").getAsInt());
			if (data == null || part.get("partNumber").getAsInt() != i + 1 || !part.get("etag").getAsString().equals("\"" +
				hex("MD5", data, null) + "\""))
			{
				return json(ex, 400, error("part " + (i + 1) + " missing or with a wrong ETag"));
			}
			all.write(data);
		}
		if (!hex("SHA-256", all.toByteArray(), null).equals(oid) || !oid.equals(r.json().get("oid").getAsString())) {
			return json(ex, 400, error("the parts do not make the object"));
		}
		storage.put(oid, all.toByteArray());
		return json(ex, 200, "{}");
	}

	private boolean verify(HttpExchange ex, Request r) throws IOException {
		JsonObject b = r.json();
		byte[] o = storage.get(b.get("oid").getAsString());
		if (o == null || o.length != b.get("size").getAsLong()) return json(ex, 404, error("Object not found"));
		return json(ex, 200, "{}");
	}

	private boolean commit(HttpExchange ex, Request r) throws IOException {
		if (!"application/x-ndjson".equals(r.headers.get("content-type"))) return json(ex, 400, error("ndjson expected"));
		Map<String, byte[]> changes = new LinkedHashMap<>();
		String[] lines = r.text().split("\n");
		JsonObject header = JsonParser.parseString(lines[0]).getAsJsonObject();
		if (!header.get("key").getAsString().equals("header") || !header.getAsJsonObject("value").has("summary")) {
			return json(ex, 400, error("the first line must be the header"));
		}
		for (int i = 1; i < lines.length; i++) {
			JsonObject line = JsonParser.parseString(lines[i]).getAsJsonObject();
			JsonObject v = line.getAsJsonObject("value");
			String key = line.get("key").getAsString();
			if (key.equals("file") && v.get("encoding").getAsString().equals("base64")) {
				changes.put(v.get("path").getAsString(), Base64.getDecoder().decode(v.get("content").getAsString()));
			}
			else if (key.equals("lfsFile") && v.get("algo").getAsString().equals("sha256")) {
				byte[] o = storage.get(v.get("oid").getAsString());
				if (o == null) return json(ex, 422, error("Your push was rejected because an LFS pointer pointed to a " +
					"file that does not exist"));
				changes.put(v.get("path").getAsString(), o);
			}
			else return json(ex, 400, error("unknown line " + key));
		}
		hub.files.putAll(changes);
		commits++;
		head = hex("SHA-1", r.body, null);
		return json(ex, 200, "{\"success\":true,\"commitOid\":\"" + head + "\",\"commitUrl\":\"" + hub.endpoint() + "/" +
			hub.repo + "/commit/" + head + "\",\"hookOutput\":\"\"}");
	}

	private static String error(String message) {
		JsonObject o = new JsonObject();
		o.addProperty("error", message);
		return o.toString();
	}

	private static boolean json(HttpExchange ex, int status, String body) throws IOException {
		byte[] b = body.getBytes(StandardCharsets.UTF_8);
		if (b.length > 0) ex.getResponseHeaders().add("Content-Type", "application/json");
		ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
		try (OutputStream out = ex.getResponseBody()) {
			out.write(b);
		}
		return true;
	}

	static String hex(String algorithm, byte[] data, byte[] prefix) {
		try {
			MessageDigest md = MessageDigest.getInstance(algorithm);
			if (prefix != null) md.update(prefix);
			StringBuilder sb = new StringBuilder();
			for (byte x : md.digest(data)) sb.append(String.format("%02x", x));
			return sb.toString();
		}
		catch (Exception e) {
			throw new IllegalStateException(e);
		}
	}
}
