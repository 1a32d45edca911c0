package org.diffusionij.io.hub;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The requests of an upload to one repository: each sent with {@link Backoff} through {@link HubClient} (which
 * keeps the token to the endpoint's origin), and an answer other than 2xx turned into one message for the user,
 * with the Hub's own {@code error} text when it sends one.
 */
final class HubApi {

	final HubClient client;
	final String repo;
	private final Backoff backoff;
	private final BooleanSupplier cancelled;

	HubApi(HubClient client, String repo, Backoff backoff, BooleanSupplier cancelled) {
		this.client = client;
		this.repo = repo;
		this.backoff = backoff;
		this.cancelled = cancelled;
	}

	boolean cancelledNow() {
		return cancelled.getAsBoolean();
	}

	/** The answer, whatever its status (after the retries of {@link Backoff}). */
	HttpResponse<String> call(String method, String url, Map<String, String> headers,
		Supplier<HttpRequest.BodyPublisher> body, boolean withToken) throws IOException
	{
		return backoff.send(() -> client.exchange(method, url, headers, body, withToken), cancelled);
	}

	/** A 2xx answer, else the failure as a message naming {@code what}. */
	HttpResponse<String> send(String method, String url, Map<String, String> headers,
		Supplier<HttpRequest.BodyPublisher> body, boolean withToken, String what) throws IOException
	{
		HttpResponse<String> r = call(method, url, headers, body, withToken);
		if (r.statusCode() / 100 != 2) throw refusal(r, what);
		return r;
	}

	/** Sends {@code body} as JSON (unless {@code headers} set another Content-Type) and parses the answer. */
	JsonObject json(String method, String url, JsonElement body, Map<String, String> headers, boolean withToken,
		String what) throws IOException
	{
		Map<String, String> h = new LinkedHashMap<>();
		h.put("Content-Type", "application/json");
		h.putAll(headers);
		return parse(send(method, url, h, bytes(body.toString()), withToken, what), what);
	}

	static Supplier<HttpRequest.BodyPublisher> bytes(String text) {
		byte[] b = text.getBytes(StandardCharsets.UTF_8);
		return () -> HttpRequest.BodyPublishers.ofByteArray(b);
	}

	static JsonObject parse(HttpResponse<String> r, String what) throws IOException {
		String body = r.body() == null ? "" : r.body().trim();
		if (body.isEmpty()) return new JsonObject();
		try {
			return JsonParser.parseString(body).getAsJsonObject();
		}
		catch (RuntimeException e) {
			throw new IOException("The Hub answered " + what + " with something other than JSON.");
		}
	}

	/** One message for an answer that is not a success. */
	IOException refusal(HttpResponse<String> r, String what) {
		int s = r.statusCode();
		String hub = hubError(r);
		String said = hub == null ? "" : " The Hub says: " + hub;
		if (s == 401) return new IOException("The Hub did not accept the token (HTTP 401) for " + what + " of " + repo +
			", so nothing was uploaded. Set HF_TOKEN, or type it in the dialog, to a token with write access " +
			"(huggingface.co/settings/tokens)." + said);
		if (s == 403) return new IOException("The token may not write to " + repo + " (HTTP 403, " + what + "), so " +
			"nothing was uploaded: use a token with write access to " + repo.substring(0, repo.indexOf('/')) + "'s " +
			"repositories." + said);
		if (s == 404) return new IOException("The Hub has no " + what + " for " + repo + " (HTTP 404): check repo " +
			"and revision." + said);
		if (Backoff.retryable(s)) return new UploadInterruptedException("The Hub stayed busy or unavailable (HTTP " + s +
			") for " + what + " of " + repo + " after " + Backoff.MAX_RETRIES + " retries; nothing was committed, run " +
			"the upload again later." + said, null);
		return new IOException("The Hub answered HTTP " + s + " for " + what + " of " + repo + "." + said);
	}

	private static String hubError(HttpResponse<String> r) {
		try {
			JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
			return o.has("error") ? o.get("error").getAsString() : null;
		}
		catch (RuntimeException e) {
			return null;
		}
	}
}
