package org.diffusionij.io.hub;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upload Model to Hub's client against the fake Hub: the same HTTP exchange as huggingface_hub's own {@code
 * create_repo} + {@code upload_folder} recorded against the same fake ({@code hub/upload_folder_exchange.txt},
 * made by {@code record_upload_folder.py}), unchanged files skipped, a cancelled upload resumed, a busy storage
 * retried, and refusals that upload nothing.
 */
class HubUploaderTest {

	static final Backoff QUICK = new Backoff(1, 4);

	@TempDir
	Path tmp;

	private HubUploader.Result upload(FakeHub hub, String token, Path folder, String revision,
		TransferListener listener) throws IOException
	{
		return new HubUploader(new HubClient(hub.endpoint(), token), QUICK).upload(hub.repo, UploadSelection.of(folder,
			Collections.emptySet()).files, false, "Upload model", revision, listener);
	}

	@Test
	void theExchangeIsHuggingfaceHubsUploadFolder() throws Exception {
		Path folder = UploadExchange.sampleFolder(tmp.resolve("model"));
		try (FakeHub hub = new FakeHub("lab/sample")) {
			hub.requiredToken = "hf_test_token";
			HubUploader.Result r = upload(hub, "hf_test_token", folder, "main", TransferListener.NONE);
			List<List<String>> ours = UploadExchange.requests(UploadExchange.describe(hub.upload.requests));
			List<List<String>> theirs;
			try (InputStream in = getClass().getResourceAsStream("/hub/upload_folder_exchange.txt")) {
				theirs = UploadExchange.requests(List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")));
			}
			// the calls to the Hub's API in the same order (huggingface_hub checks the card's YAML twice, once in
			// upload_folder and once in create_commit: a repeat adds nothing)
			assertEquals(UploadExchange.apiCalls(theirs), UploadExchange.apiCalls(ours));
			// the transfers to the storage, their completion and verification: huggingface_hub sends them from
			// several threads, so only the set is compared
			assertEquals(UploadExchange.sorted(UploadExchange.transfers(theirs)), UploadExchange.sorted(UploadExchange
				.transfers(ours)));
			assertEquals(1, hub.upload.commits);
			assertTrue(r.created);
			assertEquals(6, r.files);
			assertEquals(6, r.sent);
			for (String p : UploadSelection.of(folder, Collections.emptySet()).files.keySet()) {
				assertArrayEquals(Files.readAllBytes(folder.resolve(p)), hub.files.get(p), p);
			}
			// the token goes to the Hub, never to the storage's signed addresses
			for (FakeHubUpload.Request q : hub.upload.requests) {
				assertEquals(q.origin.equals("hub") && !q.path.startsWith("/lfs-complete/"), q.headers.containsKey(
					"authorization"), q.toString());
			}
		}
	}

	@Test
	void filesTheHubHasAreLeftOutAndNothingChangedMeansNoCommit() throws Exception {
		Path folder = UploadExchange.sampleFolder(tmp.resolve("model"));
		try (FakeHub hub = new FakeHub("lab/sample")) {
			upload(hub, "hf_t", folder, "main", TransferListener.NONE);
			hub.upload.requests.clear();
			HubUploader.Result again = upload(hub, "hf_t", folder, "main", TransferListener.NONE);
			assertEquals(1, hub.upload.commits, "no second commit");
			assertNull(again.commitUrl);
			assertEquals(6, again.skippedUnchanged);
			assertFalse(again.created);
			assertTrue(hub.upload.requests.stream().noneMatch(q -> q.origin.equals("storage")), "nothing sent again");

			Files.write(folder.resolve("unet/config.json"), "{\"_class_name\": \"UNet2DModel\", \"sample_size\": 64}\n"
				.getBytes(StandardCharsets.UTF_8));
			hub.upload.requests.clear();
			HubUploader.Result one = upload(hub, "hf_t", folder, "main", TransferListener.NONE);
			assertEquals(2, hub.upload.commits);
			assertEquals(1, one.sent);
			assertEquals(5, one.skippedUnchanged);
			FakeHubUpload.Request commit = hub.upload.requests.get(hub.upload.requests.size() - 1);
			assertTrue(commit.path.endsWith("/commit/main"), commit.toString());
			assertEquals(2, commit.text().split("\n").length, "the header and the one changed file");
			assertTrue(commit.text().contains("unet/config.json"));
		}
	}

	@Test
	void aCancelledUploadCommitsNothingAndTheNextRunSendsOnlyTheRest() throws Exception {
		Path folder = UploadExchange.sampleFolder(tmp.resolve("model"));
		long big = Files.size(folder.resolve("unet/diffusion_pytorch_model.safetensors"));
		try (FakeHub hub = new FakeHub("lab/sample")) {
			AtomicBoolean cancel = new AtomicBoolean();
			TransferListener stopAfterTheWeights = new TransferListener() {
				@Override
				public void progress(String file, long done, long total) {
					if (done >= big) cancel.set(true);
				}

				@Override
				public boolean isCancelled() {
					return cancel.get();
				}
			};
			UploadInterruptedException e = assertThrows(UploadInterruptedException.class, () -> upload(hub, "hf_t",
				folder, "main", stopAfterTheWeights));
			assertTrue(e.getMessage().contains("nothing was committed"), e.getMessage());
			assertEquals(0, hub.upload.commits);
			assertTrue(hub.files.isEmpty(), "the repository has none of it");
			assertEquals(1, hub.upload.storage.size(), "the weights reached the storage");

			hub.upload.requests.clear();
			HubUploader.Result r = upload(hub, "hf_t", folder, "main", TransferListener.NONE);
			assertEquals(1, r.alreadyStored, "the weights are not sent again");
			assertEquals(5, r.sent);
			assertTrue(hub.upload.requests.stream().noneMatch(q -> q.path.contains("/part/")), "no part sent again");
			assertEquals(1, hub.upload.commits);
			assertArrayEquals(Files.readAllBytes(folder.resolve("unet/diffusion_pytorch_model.safetensors")), hub.files
				.get("unet/diffusion_pytorch_model.safetensors"));
			assertEquals(6, hub.files.size());
		}
	}

	@Test
	void aBusyStorageIsRetriedAndABusyHubStopsBeforeAnyCommit() throws Exception {
		Path folder = UploadExchange.sampleFolder(tmp.resolve("model"));
		try (FakeHub hub = new FakeHub("lab/sample")) {
			hub.upload.busyPuts = 2;
			upload(hub, "hf_t", folder, "main", TransferListener.NONE);
			assertEquals(1, hub.upload.commits);
			assertEquals(0, hub.upload.busyPuts);
			assertArrayEquals(Files.readAllBytes(folder.resolve("unet/small.safetensors")), hub.files.get(
				"unet/small.safetensors"));
		}
		try (FakeHub hub = new FakeHub("lab/sample")) {
			hub.upload.refuseAllWith = 503;
			UploadInterruptedException e = assertThrows(UploadInterruptedException.class, () -> upload(hub, "hf_t",
				folder, "main", TransferListener.NONE));
			assertTrue(e.getMessage().contains("HTTP 503") && e.getMessage().contains("nothing was committed"), e
				.getMessage());
			assertEquals(1 + Backoff.MAX_RETRIES, hub.upload.requests.size(), "the creation, sent again 5 times");
			assertEquals(0, hub.upload.commits);
		}
	}

	@Test
	void aWrongTokenGivesOneMessageAndUploadsNothing() throws Exception {
		Path folder = UploadExchange.sampleFolder(tmp.resolve("model"));
		try (FakeHub hub = new FakeHub("lab/sample")) {
			hub.requiredToken = "hf_right";
			IOException e = assertThrows(IOException.class, () -> upload(hub, "hf_wrong", folder, "main",
				TransferListener.NONE));
			assertTrue(e.getMessage().startsWith("The Hub did not accept the token (HTTP 401)"), e.getMessage());
			assertTrue(e.getMessage().contains("nothing was uploaded"), e.getMessage());
			assertFalse(e.getMessage().contains("hf_wrong"), "the token is never shown");
			assertEquals(1, hub.upload.requests.size(), "it stops at the first answer");
			assertFalse(hub.upload.exists);
			assertTrue(hub.upload.storage.isEmpty());

			e = assertThrows(IOException.class, () -> upload(hub, null, folder, "main", TransferListener.NONE));
			assertTrue(e.getMessage().startsWith("No token"), e.getMessage());
			assertEquals(1, hub.upload.requests.size(), "no request without a token");
		}
	}

	@Test
	void anotherNamespaceIsRefusedAndABranchIsCreated() throws Exception {
		Path folder = UploadExchange.sampleFolder(tmp.resolve("model"));
		try (FakeHub hub = new FakeHub("lab/sample")) {
			// the fake lets a token create lab/sample only
			IOException e = assertThrows(IOException.class, () -> new HubUploader(new HubClient(hub.endpoint(), "hf_t"),
				QUICK).upload("other/sample", UploadSelection.of(folder, Collections.emptySet()).files, false, "m", "main",
					TransferListener.NONE));
			assertTrue(e.getMessage().contains("HTTP 403") || e.getMessage().contains("HTTP 404"), e.getMessage());
			assertEquals(0, hub.upload.commits);

			upload(hub, "hf_t", folder, "dev", TransferListener.NONE);
			assertTrue(hub.upload.branches.contains("dev"));
			List<String> paths = new ArrayList<>();
			hub.upload.requests.forEach(q -> paths.add(q.method + " " + q.path));
			assertTrue(paths.contains("POST /api/models/lab/sample/branch/dev"), paths.toString());
			assertTrue(paths.contains("POST /api/models/lab/sample/preupload/dev"), paths.toString());
			assertTrue(paths.contains("POST /api/models/lab/sample/commit/dev"), paths.toString());
		}
	}

	@Test
	void anUnreachableHubIsRetriedAndSaidSo() throws Exception {
		Path folder = UploadExchange.sampleFolder(tmp.resolve("model"));
		int port;
		try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
			port = s.getLocalPort();
		}
		IOException e = assertThrows(IOException.class, () -> new HubUploader(new HubClient("http://127.0.0.1:" + port,
			"hf_t"), QUICK).upload("lab/sample", UploadSelection.of(folder, Collections.emptySet()).files, false, "m",
				"main", TransferListener.NONE));
		assertTrue(e.getMessage().startsWith("Could not reach 127.0.0.1"), e.getMessage());
		assertFalse(e.getMessage().contains("null"), e.getMessage());
	}

	@Test
	void repositoryNamesFollowHuggingfaceHubsRules() {
		for (String ok : new String[] { "lab/sample", "my-lab/cells_denoiser.v2", "a/b" }) assertEquals(ok, RepoName
			.check(ok));
		for (String bad : new String[] { "", "sample", "a/b/c", "-lab/x", "lab/x-", "lab/x..y", "lab/x--y", "lab/x.git",
			"lab/" + "x".repeat(97), "lab/ü" })
		{
			assertThrows(IllegalArgumentException.class, () -> RepoName.check(bad), bad);
		}
	}

	@Test
	void theSelectionLeavesOutHiddenFilesAndSortsAsPythonDoes() throws Exception {
		Path d = tmp.resolve("m");
		for (String p : new String[] { "unet-extra/a.json", "unet/b.json", ".git/config", "unet/.cache/x", "z.json",
			"state.json" })
		{
			Files.createDirectories(d.resolve(p).getParent());
			Files.write(d.resolve(p), new byte[] { 1 });
		}
		UploadSelection s = UploadSelection.of(d, Collections.singleton("state.json"));
		assertEquals(List.of("unet/b.json", "unet-extra/a.json", "z.json"), new ArrayList<>(s.files.keySet()));
		assertEquals(3, s.left.size());
		s.replace("README.md", d.resolve("z.json"));
		assertEquals("README.md", s.files.keySet().iterator().next());
		assertEquals(Map.entry("README.md", d.resolve("z.json")), s.files.entrySet().iterator().next());
	}
}
