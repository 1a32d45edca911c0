package org.diffusionij.io.hub;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two Hugging Face Hub calls a download needs: list a repository's files with their sizes and hashes
 * ({@code /api/models/{id}/tree/{revision}?recursive=true}), and fetch one file, optionally from a byte offset
 * ({@code /{id}/resolve/{revision}/{path}} with a Range header). The endpoint comes from {@code HF_ENDPOINT}
 * (default {@code https://huggingface.co}) and a token from {@code HF_TOKEN}, as in huggingface_hub.
 * <p>
 * <b>The token.</b> It is sent only to the endpoint itself (same scheme, host and port), so redirects are
 * followed here rather than by the HTTP client, and a redirect to another host (the Hub's file CDN, say) goes
 * without it. A token is never sent in clear text: an endpoint with a token must be https, except on a
 * loopback address (a local mirror or test server).
 */
public final class HubClient {

	private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");
	private static final int MAX_REDIRECTS = 10;
	private static final String DOWNLOAD_ADVICE = "Check the internet connection or proxy and run it again to " +
		"resume, or download the folder elsewhere and choose it as a local model.";

	private final String endpoint;
	private final URI origin;
	private final String token;
	private final HttpClient http;

	/**
	 * @throws IllegalArgumentException when the endpoint is no http(s) address, or a token would go to it in
	 *           clear text (plain http to an address other than loopback)
	 */
	public HubClient(String endpoint, String token) {
		this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
		this.token = token == null || token.isEmpty() ? null : token;
		try {
			this.origin = URI.create(this.endpoint);
		}
		catch (IllegalArgumentException e) {
			throw new IllegalArgumentException("endpoint=" + endpoint + " is not a web address such as " +
				"https://huggingface.co.");
		}
		String scheme = origin.getScheme() == null ? "" : origin.getScheme().toLowerCase(Locale.ROOT);
		if (!(scheme.equals("https") || scheme.equals("http")) || origin.getHost() == null) {
			throw new IllegalArgumentException("endpoint=" + endpoint + " is not an http or https address such as " +
				"https://huggingface.co.");
		}
		if (this.token != null && scheme.equals("http") && !isLoopback(origin.getHost())) {
			throw new IllegalArgumentException("HF_TOKEN is set, and endpoint=" + this.endpoint + " would carry it in " +
				"clear text (plain http): use an https:// address, or unset HF_TOKEN for a mirror that needs none.");
		}
		this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
			.connectTimeout(Duration.ofSeconds(30)).build();
	}

	/** Whether {@code host} is a loopback name or address literal (no name is looked up). */
	static boolean isLoopback(String host) {
		String h = host.toLowerCase(Locale.ROOT);
		if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
		if (h.equals("localhost") || h.endsWith(".localhost")) return true;
		if (h.matches("\\d{1,3}(\\.\\d{1,3}){3}")) return h.startsWith("127.");
		if (h.contains(":")) {
			try {
				return InetAddress.getByName(h).isLoopbackAddress(); // an IPv6 literal: parsed, not looked up
			}
			catch (UnknownHostException e) {
				return false;
			}
		}
		return false;
	}

	/**
	 * A client configured like huggingface_hub: {@code endpoint}, or when it is empty {@code HF_ENDPOINT}, else
	 * huggingface.co.
	 */
	public static HubClient configured(String endpoint, String token) {
		String e = endpoint == null || endpoint.trim().isEmpty() ? System.getenv("HF_ENDPOINT") : endpoint.trim();
		return new HubClient(e == null || e.trim().isEmpty() ? "https://huggingface.co" : e.trim(), token);
	}

	/** Every file of the repository at {@code revision}. */
	public List<HubFile> listFiles(String repoId, String revision) throws IOException {
		checkRepoId(repoId);
		List<HubFile> files = new ArrayList<>();
		String url = endpoint + "/api/models/" + repoId + "/tree/" + encode(revision) + "?recursive=true";
		while (url != null) {
			HttpResponse<String> r = send(url, null, HttpResponse.BodyHandlers.ofString());
			check(r.statusCode(), repoId, "the file list");
			JsonElement body;
			try {
				body = JsonParser.parseString(r.body());
			}
			catch (JsonParseException e) {
				body = null;
			}
			if (body == null || !body.isJsonArray()) throw new IOException("The Hub answered the file list of " +
				repoId + " with something other than a list; is " + endpoint + " a Hugging Face Hub?");
			for (JsonElement e : body.getAsJsonArray()) addFile(files, e, repoId);
			url = r.headers().firstValue("Link").map(HubClient::nextLink).orElse(null);
		}
		return files;
	}

	private static void addFile(List<HubFile> files, JsonElement e, String repoId) throws IOException {
		try {
			JsonObject o = e.getAsJsonObject();
			if (!"file".equals(o.get("type").getAsString())) return;
			String sha256 = null;
			if (o.has("lfs") && o.get("lfs").isJsonObject()) {
				JsonObject lfs = o.getAsJsonObject("lfs");
				JsonElement hash = lfs.has("oid") ? lfs.get("oid") : lfs.get("sha256");
				sha256 = hash == null || hash.isJsonNull() ? null : hash.getAsString().replaceFirst("^sha256:", "");
			}
			String oid = o.has("oid") && !o.get("oid").isJsonNull() ? o.get("oid").getAsString() : null;
			files.add(new HubFile(o.get("path").getAsString(), o.get("size").getAsLong(), sha256, oid));
		}
		catch (RuntimeException x) {
			throw new IOException("The Hub's file list of " + repoId + " has an entry without a path, type or size: " +
				shorten(String.valueOf(e)) + ".");
		}
	}

	private static String shorten(String s) {
		return s.length() > 120 ? s.substring(0, 117) + "..." : s;
	}

	/**
	 * Opens one file for reading from byte {@code offset}. The response's status tells whether the server
	 * honoured the range (206) or sends the whole file (200).
	 */
	public HttpResponse<InputStream> open(String repoId, String revision, String path, long offset)
		throws IOException
	{
		checkRepoId(repoId);
		String url = endpoint + "/" + repoId + "/resolve/" + encode(revision) + "/" + encodePath(path);
		HttpResponse<InputStream> r = send(url, offset > 0 ? "bytes=" + offset + "-" : null, HttpResponse.BodyHandlers
			.ofInputStream());
		if (r.statusCode() != 200 && r.statusCode() != 206) {
			r.body().close();
			check(r.statusCode(), repoId, path);
		}
		return r;
	}

	/**
	 * GETs {@code url}, following redirects (at most {@value #MAX_REDIRECTS}); the token goes only to the
	 * endpoint's own origin.
	 *
	 * @param range a Range header value, or null
	 */
	private <T> HttpResponse<T> send(String url, String range, HttpResponse.BodyHandler<T> handler)
		throws IOException
	{
		Map<String, String> headers = range == null ? Collections.emptyMap() : Collections.singletonMap("Range", range);
		return send("GET", URI.create(url), headers, null, true, handler, DOWNLOAD_ADVICE);
	}

	/**
	 * One request of the upload API ({@link HubUploader}): {@code body} makes the request body afresh for every
	 * attempt (null: none). The token goes only where {@code withToken} and the address is the endpoint's own
	 * origin, as for downloads; a 307 or 308 redirect is followed with the same method and body (the token left
	 * off on another origin), any other redirect of a request with a body is refused.
	 *
	 * @throws UploadInterruptedException when the server cannot be reached
	 */
	HttpResponse<String> exchange(String method, String url, Map<String, String> headers,
		Supplier<HttpRequest.BodyPublisher> body, boolean withToken) throws IOException
	{
		return send(method, URI.create(url), headers, body, withToken, HttpResponse.BodyHandlers.ofString(), null);
	}

	private <T> HttpResponse<T> send(String method, URI start, Map<String, String> headers,
		Supplier<HttpRequest.BodyPublisher> body, boolean withToken, HttpResponse.BodyHandler<T> handler, String advice)
		throws IOException
	{
		URI uri = start;
		for (int hop = 0;; hop++) {
			HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5)).header("User-Agent",
				"diffusion-for-imagej").method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body.get());
			headers.forEach(b::header);
			if (withToken && token != null && sameOrigin(uri, origin)) b.header("Authorization", "Bearer " + token);
			HttpResponse<T> r = sendOnce(b.build(), handler, advice);
			int status = r.statusCode();
			if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) return r;
			if (r.body() instanceof InputStream) ((InputStream) r.body()).close();
			String location = r.headers().firstValue("Location").orElse(null);
			if (location == null || hop == MAX_REDIRECTS || body != null && status != 307 && status != 308) {
				throw new IOException(endpoint + " answered HTTP " + status + (location == null ? " without a Location"
					: body != null ? " (a redirect that would drop the request body)" : " after " + MAX_REDIRECTS +
						" redirects") + " for " + uri.getPath() + ".");
			}
			uri = uri.resolve(location.trim());
			String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
			if (!scheme.equals("https") && !scheme.equals("http")) {
				throw new IOException(endpoint + " redirected to " + uri + ", which is no web address.");
			}
		}
	}

	/** The endpoint without a trailing slash. */
	String endpoint() {
		return endpoint;
	}

	boolean hasToken() {
		return token != null;
	}

	/** Same scheme, host and port: where the token may go. */
	static boolean sameOrigin(URI a, URI b) {
		return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null && a.getHost().equalsIgnoreCase(b
			.getHost()) && port(a) == port(b);
	}

	private static int port(URI u) {
		return u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
	}

	/** @param advice what to do when the server cannot be reached (a download resumes), or null for an upload */
	private <T> HttpResponse<T> sendOnce(HttpRequest req, HttpResponse.BodyHandler<T> handler, String advice)
		throws IOException
	{
		try {
			return http.send(req, handler);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			if (advice == null) throw new UploadInterruptedException("Upload interrupted; nothing was committed.", e);
			throw new DownloadInterruptedException("Download interrupted; run it again to resume.", e);
		}
		catch (UploadInterruptedException e) {
			throw e; // cancelled while the body was being sent
		}
		catch (IOException e) {
			String why = e.getMessage() != null ? e.getMessage() : e instanceof ConnectException ?
				"connection refused" : e.getClass().getSimpleName();
			String what = "Could not reach " + req.uri().getHost() + " (" + why + ").";
			if (advice == null) throw new UploadInterruptedException(what, e);
			throw new DownloadInterruptedException(what + " " + advice, e);
		}
	}

	private void check(int status, String repoId, String what) throws IOException {
		if (status == 200 || status == 206) return;
		if (status == 429 || status >= 500) {
			throw new DownloadInterruptedException("The Hub answered HTTP " + status + " for " + what + " of " + repoId +
				" (busy or unavailable); run the download again later to resume.", null);
		}
		if (status == 401 || status == 403) {
			throw new IOException("The Hub refused " + what + " of " + repoId + " (HTTP " + status + "). Gated or " +
				"private models need you to accept the licence on the model page and set HF_TOKEN.");
		}
		if (status == 404) throw new IOException("The Hub has no " + what + " in '" + repoId + "' (HTTP 404): " +
			"check the model id (owner/name) and revision.");
		throw new IOException("The Hub answered HTTP " + status + " for " + what + " of " + repoId + ".");
	}

	private static String nextLink(String header) {
		Matcher m = NEXT_LINK.matcher(header);
		return m.find() ? m.group(1) : null;
	}

	private static void checkRepoId(String repoId) throws IOException {
		if (repoId == null || !repoId.matches("[A-Za-z0-9][\\w.-]*(/[\\w.-]+)?") || repoId.contains("..")) {
			throw new IOException("'" + repoId + "' is not a Hub model id; it looks like owner/name, " +
				"for example stabilityai/stable-diffusion-2-1-base.");
		}
	}

	private static String encode(String s) {
		return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
	}

	private static String encodePath(String path) {
		StringBuilder sb = new StringBuilder();
		for (String part : path.split("/")) {
			if (sb.length() > 0) sb.append('/');
			sb.append(encode(part));
		}
		return sb.toString();
	}

}
