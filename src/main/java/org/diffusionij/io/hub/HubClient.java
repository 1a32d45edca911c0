package org.diffusionij.io.hub;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two Hugging Face Hub calls a download needs: list a repository's files with their sizes and hashes
 * ({@code /api/models/{id}/tree/{revision}?recursive=true}), and fetch one file, optionally from a byte offset
 * ({@code /{id}/resolve/{revision}/{path}} with a Range header). The endpoint comes from {@code HF_ENDPOINT}
 * (default {@code https://huggingface.co}) and a token from {@code HF_TOKEN}, as in huggingface_hub.
 */
public final class HubClient {

	private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");

	private final String endpoint;
	private final String token;
	private final HttpClient http;

	public HubClient(String endpoint, String token) {
		this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
		this.token = token == null || token.isEmpty() ? null : token;
		this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
			.connectTimeout(Duration.ofSeconds(30)).build();
	}

	/** A client configured from the environment like huggingface_hub ({@code HF_ENDPOINT}, {@code HF_TOKEN}). */
	public static HubClient fromEnvironment() {
		String endpoint = System.getenv("HF_ENDPOINT");
		return new HubClient(endpoint == null ? "https://huggingface.co" : endpoint, System.getenv("HF_TOKEN"));
	}

	/** Every file of the repository at {@code revision}. */
	public List<HubFile> listFiles(String repoId, String revision) throws IOException {
		checkRepoId(repoId);
		List<HubFile> files = new ArrayList<>();
		String url = endpoint + "/api/models/" + repoId + "/tree/" + encode(revision) + "?recursive=true";
		while (url != null) {
			HttpResponse<String> r = send(request(url).GET().build(), HttpResponse.BodyHandlers.ofString());
			check(r.statusCode(), repoId, "the file list");
			JsonElement body = JsonParser.parseString(r.body());
			if (!body.isJsonArray()) throw new IOException("The Hub answered the file list of " + repoId + " with " +
				"something other than a list; is " + endpoint + " a Hugging Face Hub?");
			for (JsonElement e : body.getAsJsonArray()) addFile(files, e.getAsJsonObject());
			url = r.headers().firstValue("Link").map(HubClient::nextLink).orElse(null);
		}
		return files;
	}

	private static void addFile(List<HubFile> files, JsonObject o) {
		if (!"file".equals(o.get("type").getAsString())) return;
		String sha256 = null;
		if (o.has("lfs") && o.get("lfs").isJsonObject()) {
			JsonObject lfs = o.getAsJsonObject("lfs");
			sha256 = lfs.has("oid") ? lfs.get("oid").getAsString() : lfs.get("sha256").getAsString();
		}
		String oid = o.has("oid") ? o.get("oid").getAsString() : null;
		files.add(new HubFile(o.get("path").getAsString(), o.get("size").getAsLong(), sha256, oid));
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
		HttpRequest.Builder b = request(url).GET();
		if (offset > 0) b.header("Range", "bytes=" + offset + "-");
		HttpResponse<InputStream> r = send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
		if (r.statusCode() != 200 && r.statusCode() != 206) {
			r.body().close();
			check(r.statusCode(), repoId, path);
		}
		return r;
	}

	private HttpRequest.Builder request(String url) {
		HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5))
			.header("User-Agent", "diffusion-for-imagej");
		if (token != null) b.header("Authorization", "Bearer " + token);
		return b;
	}

	private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler) throws IOException {
		try {
			return http.send(req, handler);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IOException("Download interrupted.", e);
		}
		catch (IOException e) {
			throw new IOException("Could not reach " + endpoint + " (" + e.getMessage() + "). Check the internet " +
				"connection or proxy, or download the folder elsewhere and choose it as a local model.", e);
		}
	}

	private void check(int status, String repoId, String what) throws IOException {
		if (status == 200 || status == 206) return;
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
