package org.diffusionij.io.hub;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sends one large file to the Hub's storage as huggingface_hub's {@code lfs_upload} does, following the action
 * the LFS batch endpoint returned for it: nothing when the action is missing (the storage already has the
 * object: an earlier, interrupted run sent it), a single PUT of the whole file to {@code upload.href}, or,
 * when {@code upload.header} has a {@code chunk_size}, a multipart upload: one PUT per numbered part URL, then a
 * POST of the parts' ETags ({@code {"oid", "parts": [{"partNumber", "etag"}]}}) to {@code upload.href}; finally
 * a POST of {@code {"oid", "size"}} to {@code verify.href} when there is one. The PUTs and the completion carry
 * no token (their addresses are signed), the verification the token.
 */
final class LfsTransfer {

	static final Map<String, String> LFS_HEADERS;
	static {
		Map<String, String> h = new TreeMap<>();
		h.put("Accept", "application/vnd.git-lfs+json");
		h.put("Content-Type", "application/vnd.git-lfs+json");
		LFS_HEADERS = Collections.unmodifiableMap(h);
	}

	private final HubApi api;
	private final UploadStream.Meter meter;

	LfsTransfer(HubApi api, UploadStream.Meter meter) {
		this.api = api;
		this.meter = meter;
	}

	/** Uploads {@code f} by its batch answer {@code object}; returns whether any bytes were sent. */
	boolean upload(UploadFile f, JsonObject object) throws IOException {
		JsonObject actions = object.has("actions") && object.get("actions").isJsonObject() ? object.getAsJsonObject(
			"actions") : null;
		if (actions == null || !actions.has("upload")) return false;
		JsonObject upload = action(actions, "upload");
		JsonObject header = upload.has("header") && upload.get("header").isJsonObject() ? upload.getAsJsonObject(
			"header") : new JsonObject();
		if (header.has("chunk_size")) multipart(f, upload.get("href").getAsString(), header);
		else put(f, upload.get("href").getAsString(), 0, f.size);
		if (actions.has("verify")) {
			JsonObject body = new JsonObject();
			body.addProperty("oid", f.sha256);
			body.addProperty("size", f.size);
			api.json("POST", action(actions, "verify").get("href").getAsString(), body, Collections.emptyMap(), true,
				"the check of " + f.pathInRepo + " in the Hub's storage");
		}
		return true;
	}

	private static JsonObject action(JsonObject actions, String name) throws IOException {
		JsonElement a = actions.get(name);
		if (!a.isJsonObject() || !a.getAsJsonObject().has("href")) {
			throw new IOException("The Hub's LFS batch answer has a malformed '" + name + "' action.");
		}
		return a.getAsJsonObject();
	}

	private void multipart(UploadFile f, String completionUrl, JsonObject header) throws IOException {
		long chunk;
		try {
			chunk = Long.parseLong(header.get("chunk_size").getAsString());
		}
		catch (RuntimeException e) {
			throw new IOException("The Hub's LFS batch answer has a chunk_size that is no integer: " + header.get(
				"chunk_size"));
		}
		Map<Integer, String> parts = new TreeMap<>();
		for (Map.Entry<String, JsonElement> e : header.entrySet()) {
			if (e.getKey().matches("\\d+")) parts.put(Integer.parseInt(e.getKey()), e.getValue().getAsString());
		}
		if (chunk <= 0 || parts.size() != (f.size + chunk - 1) / chunk) {
			throw new IOException("The Hub's LFS batch answer for " + f.pathInRepo + " gives " + parts.size() +
				" part addresses for " + f.size + " bytes in parts of " + chunk + ".");
		}
		JsonArray done = new JsonArray();
		int index = 0;
		for (String url : parts.values()) {
			long offset = index * chunk;
			HttpResponse<String> r = put(f, url, offset, Math.min(chunk, f.size - offset));
			String etag = r.headers().firstValue("ETag").orElse("");
			if (etag.isEmpty()) throw new IOException("The Hub's storage returned no ETag for part " + (index + 1) +
				" of " + f.pathInRepo + ".");
			JsonObject part = new JsonObject();
			part.addProperty("partNumber", ++index);
			part.addProperty("etag", etag);
			done.add(part);
		}
		JsonObject completion = new JsonObject();
		completion.addProperty("oid", f.sha256);
		completion.add("parts", done);
		api.json("POST", completionUrl, completion, LFS_HEADERS, false, "the completion of " + f.pathInRepo);
	}

	private HttpResponse<String> put(UploadFile f, String url, long offset, long length) throws IOException {
		return api.send("PUT", url, Collections.emptyMap(), () -> HttpRequest.BodyPublishers.fromPublisher(
			HttpRequest.BodyPublishers.ofInputStream(() -> {
				try {
					return new UploadStream(f, offset, length, meter);
				}
				catch (IOException e) {
					throw new UncheckedIOException(e);
				}
			}), length), false, "the upload of " + f.pathInRepo);
	}

	static List<JsonObject> objects(JsonObject batch) throws IOException {
		if (!batch.has("objects") || !batch.get("objects").isJsonArray()) {
			throw new IOException("The Hub's LFS batch endpoint answered without a list of objects.");
		}
		List<JsonObject> out = new ArrayList<>();
		for (JsonElement e : batch.getAsJsonArray("objects")) out.add(e.getAsJsonObject());
		return out;
	}
}
