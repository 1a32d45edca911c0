package org.diffusionij.io.hub;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Uploads files of a local folder to a Hub model repository as one commit, with the requests huggingface_hub
 * sends for {@code create_repo(exist_ok=True)} and {@code upload_folder} (read from its {@code hf_api.py},
 * {@code _commit_api.py} and {@code lfs.py}):
 * <ol>
 * <li>{@code POST /api/repos/create} {@code {"name", "organization", "visibility"}}; 409 means it exists;</li>
 * <li>for a revision other than main, {@code POST /api/models/{repo}/branch/{revision}} (409: exists);</li>
 * <li>with a README.md, {@code POST /api/validate-yaml} {@code {"content", "repoType": "model"}};</li>
 * <li>{@code POST /api/models/{repo}/preupload/{revision}} {@code {"files": [{"path", "sample", "size"}]}}
 * (256 files a call; sample: the first 512 bytes, base64): the Hub answers each file's {@code uploadMode}
 * ({@code lfs} or {@code regular}), {@code shouldIgnore} and the {@code oid} of the file it has there;</li>
 * <li>for the LFS files, {@code POST /{repo}.git/info/lfs/objects/batch} with the git-lfs media types,
 * {@code {"operation": "upload", "transfers": ["basic", "multipart"], "objects": [{"oid", "size"}],
 * "hash_algo": "sha256", "ref": {"name"}}}, and each object sent as {@link LfsTransfer} describes;</li>
 * <li>{@code POST /api/models/{repo}/commit/{revision}}, {@code application/x-ndjson}: a header line
 * {@code {"key": "header", "value": {"summary", "description"}}}, then one line per file: {@code "file"} with
 * the content in base64 for regular files, {@code "lfsFile"} {@code {"path", "algo": "sha256", "oid", "size"}}
 * for LFS files. Files the Hub already has with the same content (its oid equal to the SHA-256, or the Git blob
 * id for regular files) are left out, and with nothing left no commit is made.</li>
 * </ol>
 * Every request but the commit is retried by {@link Backoff}; the commit is sent once, as huggingface_hub sends
 * it (a retry after a lost answer could commit twice). Nothing reaches the repository before the commit, which
 * the Hub applies whole or not at all. A cancelled or broken run leaves the LFS objects it sent in the Hub's
 * storage, for which the next run's batch call returns no upload action: it resumes with the files not yet sent.
 */
public final class HubUploader {

	/** What an upload did. */
	public static final class Result {
		public boolean created;
		public int files, sent, skippedUnchanged, alreadyStored;
		public long bytesSent;
		/** The new commit's address and id, or null when nothing had changed. */
		public String commitUrl, commitOid;
	}

	private final HubClient client;
	private final Backoff backoff;

	public HubUploader(HubClient client) {
		this(client, Backoff.HUB);
	}

	HubUploader(HubClient client, Backoff backoff) {
		this.client = client;
		this.backoff = backoff;
	}

	/**
	 * @param files path in the repository (with '/' between folders) → the local file to send there
	 * @param message the commit's summary
	 */
	public Result upload(String repo, Map<String, Path> files, boolean isPrivate, String message,
		String revision, TransferListener listener) throws IOException
	{
		RepoName.check(repo);
		if (!client.hasToken()) throw new IOException("No token: set HF_TOKEN, or type it in the dialog, to a Hub " +
			"token with write access (huggingface.co/settings/tokens); nothing was uploaded.");
		HubApi api = new HubApi(client, repo, backoff, listener::isCancelled);
		try {
			return run(api, files, isPrivate, message, revision, listener);
		}
		catch (IOException | RuntimeException e) {
			if (listener.isCancelled()) throw new UploadInterruptedException("Upload cancelled; nothing was " +
				"committed. The large files sent so far stay in the Hub's storage: running it again sends only the " +
				"rest.", e);
			throw e;
		}
	}

	private Result run(HubApi api, Map<String, Path> paths, boolean isPrivate, String message,
		String revision, TransferListener listener) throws IOException
	{
		Result result = new Result();
		String base = client.endpoint() + "/api/models/" + api.repo;
		String rev = quote(revision);
		result.created = createRepo(api, isPrivate);
		if (!revision.equals("main")) createBranch(api, base + "/branch/" + rev);
		List<UploadFile> files = new ArrayList<>();
		for (Map.Entry<String, Path> p : paths.entrySet()) {
			listener.progress(p.getKey(), 0, 0);
			files.add(new UploadFile(p.getKey(), p.getValue()));
		}
		result.files = files.size();
		for (UploadFile f : files) {
			if (f.pathInRepo.equals("README.md")) validateCard(api, f);
		}
		for (int i = 0; i < files.size(); i += 256) preupload(api, base + "/preupload/" + rev, files.subList(i, Math.min(
			files.size(), i + 256)));
		List<UploadFile> changed = new ArrayList<>();
		for (UploadFile f : files) {
			if (f.shouldIgnore || f.unchanged()) result.skippedUnchanged++;
			else changed.add(f);
		}
		long total = changed.stream().mapToLong(f -> f.size).sum();
		long[] done = { 0 };
		UploadStream.Meter meter = new UploadStream.Meter() {
			@Override
			public void sent(String path, long bytes, long requestStart) {
				listener.progress(path, done[0] + bytes, total);
			}

			@Override
			public boolean isCancelled() {
				return listener.isCancelled();
			}
		};
		List<UploadFile> lfs = new ArrayList<>();
		for (UploadFile f : files) {
			if (f.isLfs() && !f.shouldIgnore) lfs.add(f);
		}
		LfsTransfer transfer = new LfsTransfer(api, meter);
		for (int i = 0; i < lfs.size(); i += 256) {
			List<UploadFile> chunk = lfs.subList(i, Math.min(lfs.size(), i + 256));
			for (JsonObject object : LfsTransfer.objects(batch(api, chunk, revision))) {
				UploadFile f = byOid(chunk, object);
				long before = done[0];
				if (transfer.upload(f, object)) {
					result.sent++;
					result.bytesSent += f.size;
				}
				else if (changed.contains(f)) result.alreadyStored++;
				if (changed.contains(f)) done[0] = before + f.size;
				listener.progress(f.pathInRepo, done[0], total);
				if (listener.isCancelled()) throw new UploadInterruptedException("Upload cancelled.", null);
			}
		}
		if (changed.isEmpty()) return result;
		for (UploadFile f : changed) {
			if (!f.isLfs()) {
				result.sent++;
				result.bytesSent += f.size;
			}
		}
		commit(api, base + "/commit/" + rev, changed, message, result);
		listener.progress("", total, total);
		return result;
	}

	private boolean createRepo(HubApi api, boolean isPrivate) throws IOException {
		String repo = api.repo;
		JsonObject body = new JsonObject();
		body.addProperty("name", repo.substring(repo.indexOf('/') + 1));
		body.addProperty("organization", repo.substring(0, repo.indexOf('/')));
		body.addProperty("visibility", isPrivate ? "private" : "public");
		HttpResponse<String> r = api.call("POST", client.endpoint() + "/api/repos/create", json(), HubApi.bytes(body
			.toString()), true);
		if (r.statusCode() / 100 == 2) return true;
		if (r.statusCode() == 409) return false;
		if (r.statusCode() == 403) {
			// as huggingface_hub with exist_ok: no right to create repositories, but the repository may exist
			HttpResponse<String> info = api.call("GET", client.endpoint() + "/api/models/" + repo, Collections
				.emptyMap(), null, true);
			if (info.statusCode() == 200) return false;
		}
		throw api.refusal(r, "the creation");
	}

	private static void createBranch(HubApi api, String url) throws IOException {
		HttpResponse<String> r = api.call("POST", url, json(), HubApi.bytes("{}"), true);
		if (r.statusCode() / 100 != 2 && r.statusCode() != 409) throw api.refusal(r, "the branch");
	}

	private static void validateCard(HubApi api, UploadFile readme) throws IOException {
		JsonObject body = new JsonObject();
		body.addProperty("content", new String(Files.readAllBytes(readme.file), StandardCharsets.UTF_8));
		body.addProperty("repoType", "model");
		HttpResponse<String> r = api.call("POST", api.client.endpoint() + "/api/validate-yaml", json(), HubApi.bytes(
			body.toString()), true);
		if (r.statusCode() == 400) {
			StringBuilder sb = new StringBuilder();
			JsonObject o = HubApi.parse(r, "the model card check");
			if (o.has("errors")) o.getAsJsonArray("errors").forEach(e -> sb.append(' ').append(e.getAsJsonObject().get(
				"message").getAsString()));
			throw new IOException("The Hub refused the YAML front matter of README.md:" + sb + " Nothing was uploaded.");
		}
		if (r.statusCode() / 100 != 2) throw api.refusal(r, "the model card check");
	}

	private static void preupload(HubApi api, String url, List<UploadFile> files) throws IOException {
		JsonArray list = new JsonArray();
		for (UploadFile f : files) {
			JsonObject o = new JsonObject();
			o.addProperty("path", f.pathInRepo);
			o.addProperty("sample", Base64.getEncoder().encodeToString(f.sample));
			o.addProperty("size", f.size);
			list.add(o);
		}
		JsonObject body = new JsonObject();
		body.add("files", list);
		JsonObject answer = api.json("POST", url, body, Collections.emptyMap(), true, "the upload modes");
		Map<String, JsonObject> byPath = new LinkedHashMap<>();
		try {
			answer.getAsJsonArray("files").forEach(e -> byPath.put(e.getAsJsonObject().get("path").getAsString(), e
				.getAsJsonObject()));
		}
		catch (RuntimeException e) {
			throw new IOException("The Hub's preupload answer has no list of files.");
		}
		for (UploadFile f : files) {
			JsonObject o = byPath.get(f.pathInRepo);
			String mode = o == null || !o.has("uploadMode") ? null : o.get("uploadMode").getAsString();
			if (!"lfs".equals(mode) && !"regular".equals(mode)) {
				throw new IOException("The Hub's preupload answer gives no upload mode for " + f.pathInRepo + ".");
			}
			f.uploadMode = f.size == 0 ? "regular" : mode; // the storage refuses empty objects
			f.shouldIgnore = o.has("shouldIgnore") && o.get("shouldIgnore").getAsBoolean();
			f.remoteOid = o.has("oid") && !o.get("oid").isJsonNull() ? o.get("oid").getAsString() : null;
		}
	}

	private JsonObject batch(HubApi api, List<UploadFile> files, String revision) throws IOException {
		JsonArray objects = new JsonArray();
		for (UploadFile f : files) {
			JsonObject o = new JsonObject();
			o.addProperty("oid", f.sha256);
			o.addProperty("size", f.size);
			objects.add(o);
		}
		JsonObject body = new JsonObject();
		body.addProperty("operation", "upload");
		JsonArray transfers = new JsonArray();
		transfers.add("basic");
		transfers.add("multipart");
		body.add("transfers", transfers);
		body.add("objects", objects);
		body.addProperty("hash_algo", "sha256");
		JsonObject ref = new JsonObject();
		ref.addProperty("name", revision);
		body.add("ref", ref);
		JsonObject answer = api.json("POST", client.endpoint() + "/" + api.repo + ".git/info/lfs/objects/batch", body,
			LfsTransfer.LFS_HEADERS, true, "the LFS batch");
		StringBuilder errors = new StringBuilder();
		for (JsonObject o : LfsTransfer.objects(answer)) {
			if (o.has("error")) errors.append(" ").append(byOid(files, o).pathInRepo).append(": ").append(o
				.getAsJsonObject("error").get("message").getAsString()).append('.');
		}
		if (errors.length() > 0) throw new IOException("The Hub's storage refused files; nothing was committed." + errors);
		return answer;
	}

	private static UploadFile byOid(List<UploadFile> files, JsonObject object) throws IOException {
		String oid = object.has("oid") ? object.get("oid").getAsString() : "";
		for (UploadFile f : files) {
			if (f.sha256.equalsIgnoreCase(oid)) return f;
		}
		throw new IOException("The Hub's LFS batch answer names an object that was not asked for: " + oid);
	}

	private void commit(HubApi api, String url, List<UploadFile> files, String message, Result result)
		throws IOException
	{
		StringBuilder ndjson = new StringBuilder();
		JsonObject header = new JsonObject();
		header.addProperty("summary", message);
		header.addProperty("description", "");
		ndjson.append(line("header", header));
		for (UploadFile f : files) {
			JsonObject v = new JsonObject();
			v.addProperty("path", f.pathInRepo);
			if (f.isLfs()) {
				v.addProperty("algo", "sha256");
				v.addProperty("oid", f.sha256);
				v.addProperty("size", f.size);
				ndjson.append(line("lfsFile", v));
			}
			else {
				v.addProperty("content", Base64.getEncoder().encodeToString(Files.readAllBytes(f.file)));
				v.addProperty("encoding", "base64");
				ndjson.append(line("file", v));
			}
		}
		if (api.cancelledNow()) throw new UploadInterruptedException("Upload cancelled.", null);
		HttpResponse<String> r;
		try {
			r = client.exchange("POST", url, Collections.singletonMap("Content-Type", "application/x-ndjson"), HubApi
				.bytes(ndjson.toString()), true);
		}
		catch (UploadInterruptedException e) {
			throw new IOException("The connection broke while the commit was sent (" + e.getMessage() + "): the Hub " +
				"has either all of it or none of it. Look at the history of " + api.repo + ", or run the upload again " +
				"(files the Hub has are skipped).", e);
		}
		if (r.statusCode() / 100 != 2) throw api.refusal(r, "the commit");
		JsonObject answer = HubApi.parse(r, "the commit");
		result.commitUrl = answer.has("commitUrl") ? answer.get("commitUrl").getAsString() : null;
		result.commitOid = answer.has("commitOid") ? answer.get("commitOid").getAsString() : null;
	}

	private static String line(String key, JsonObject value) {
		JsonObject o = new JsonObject();
		o.addProperty("key", key);
		o.add("value", value);
		return o + "\n";
	}

	private static Map<String, String> json() {
		return Collections.singletonMap("Content-Type", "application/json");
	}

	/** huggingface_hub's {@code quote(revision, safe="")}. */
	static String quote(String revision) {
		return URLEncoder.encode(revision, StandardCharsets.UTF_8).replace("+", "%20");
	}
}
