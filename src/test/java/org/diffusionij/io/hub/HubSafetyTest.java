package org.diffusionij.io.hub;

import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hub client keeps the token to the endpoint and off plain http, and the downloader checks the whole file
 * list before it writes, checks every file, and leaves no staging folder behind after a failure that a rerun
 * would not overcome; against the loopback fake Hub.
 */
class HubSafetyTest {

	@TempDir
	Path tmp;
	Path repoFolder;

	@BeforeEach
	void makeRepository() throws Exception {
		Path fixture = fixture("tiny-ddpm");
		repoFolder = tmp.resolve("repo");
		for (String f : new String[] { "model_index.json", "unet/config.json",
			"unet/diffusion_pytorch_model.safetensors", "scheduler/scheduler_config.json" })
		{
			Files.createDirectories(repoFolder.resolve(f).getParent());
			Files.copy(fixture.resolve(f), repoFolder.resolve(f));
		}
	}

	private static List<String> tree(Path folder) throws IOException {
		if (!Files.exists(folder)) return new ArrayList<>();
		try (Stream<Path> s = Files.walk(folder)) {
			return s.map(p -> folder.relativize(p).toString()).sorted().collect(Collectors.toList());
		}
	}

	@Test
	void aTokenIsNeverSentOverPlainHttpExceptToLoopback() {
		for (String endpoint : new String[] { "http://huggingface.co", "http://10.0.0.7:8080", "http://127.evil.example",
			"HTTP://mirror.example/" })
		{
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new HubClient(endpoint,
				"secret"), endpoint);
			assertTrue(e.getMessage().startsWith("HF_TOKEN is set, and endpoint=") && e.getMessage().contains(
				"clear text (plain http): use an https:// address"), e.getMessage());
		}
		for (String endpoint : new String[] { "https://huggingface.co", "http://127.0.0.1:9", "http://localhost:9",
			"http://[::1]:9" })
		{
			new HubClient(endpoint, "secret");
		}
		new HubClient("http://mirror.example", null); // no token, nothing to leak
		assertTrue(assertThrows(IllegalArgumentException.class, () -> new HubClient("ftp://mirror.example", null))
			.getMessage().contains("is not an http or https address"));
	}

	@Test
	void theTokenStaysWithTheEndpointWhenAFileIsRedirectedToAnotherHost() throws Exception {
		try (FakeHub hub = new FakeHub("owner/tiny", repoFolder); FakeHub cdn = new FakeHub("owner/tiny", repoFolder)) {
			hub.requiredToken = "secret";
			// another origin: another host name and port, as the Hub sends LFS files to its CDN
			hub.redirectTo = cdn.endpoint().replace("127.0.0.1", "localhost");
			Path target = tmp.resolve("tiny");
			new HubDownloader(new HubClient(hub.endpoint(), "secret")).download("owner/tiny", "main", null, target,
				TransferListener.NONE);
			assertArrayEquals(Files.readAllBytes(repoFolder.resolve("unet/diffusion_pytorch_model.safetensors")), Files
				.readAllBytes(target.resolve("unet/diffusion_pytorch_model.safetensors")));
			assertFalse(hub.authorizations.isEmpty());
			assertTrue(hub.authorizations.stream().allMatch(a -> a.endsWith(" Bearer secret")), hub.authorizations
				.toString());
			assertEquals(4, cdn.authorizations.size(), cdn.authorizations.toString());
			assertTrue(cdn.authorizations.stream().allMatch(a -> a.endsWith(" none")), "no token to another host: " +
				cdn.authorizations);
		}
	}

	@Test
	void theWholeFileListIsCheckedBeforeAnythingIsWritten() throws Exception {
		for (String unsafe : new String[] { "unet/../../evil.json", "/etc/evil.json", "unet//x.json", "unet\\..\\x.json",
			"unet/./x.json" })
		{
			try (FakeHub hub = new FakeHub("owner/tiny", repoFolder)) {
				hub.files.put(unsafe, "{}".getBytes(StandardCharsets.UTF_8));
				Path target = tmp.resolve("models/tiny");
				Files.createDirectories(target.getParent());
				IOException e = assertThrows(IOException.class, () -> new HubDownloader(new HubClient(hub.endpoint(),
					null)).download("owner/tiny", "main", null, target, TransferListener.NONE));
				assertEquals("The Hub listed an unsafe file name: " + unsafe + "; nothing was downloaded.", e.getMessage());
				assertEquals(List.of(""), tree(tmp.resolve("models")), "nothing written, no staging folder");
				assertTrue(hub.authorizations.stream().noneMatch(a -> a.contains("/resolve/")), "no file was fetched");
				assertFalse(Files.exists(tmp.resolve("evil.json")) || Files.exists(tmp.resolve("models/evil.json")));
			}
		}
	}

	@Test
	void filesWithoutHashesAreCheckedBySizeAndALongerFileIsRefused() throws Exception {
		try (FakeHub hub = new FakeHub("owner/tiny", repoFolder)) {
			hub.omitHashes = true;
			hub.lengthen = "unet/config.json";
			Path target = tmp.resolve("tiny");
			IOException e = assertThrows(IOException.class, () -> new HubDownloader(new HubClient(hub.endpoint(), null))
				.download("owner/tiny", "main", null, target, TransferListener.NONE));
			assertTrue(e.getMessage().startsWith("unet/config.json is corrupt: the server sent more than the "), e
				.getMessage());
			assertFalse(Files.exists(target));
			assertFalse(Files.exists(tmp.resolve("tiny.download")), "the staging folder is removed");
			hub.lengthen = null;
			new HubDownloader(new HubClient(hub.endpoint(), null)).download("owner/tiny", "main", null, target,
				TransferListener.NONE);
			assertArrayEquals(Files.readAllBytes(repoFolder.resolve("unet/config.json")), Files.readAllBytes(target
				.resolve("unet/config.json")));
		}
	}

	@Test
	void aCorruptFileRemovesTheStagingFolderAndAKeptFileIsCheckedAgain() throws Exception {
		try (FakeHub hub = new FakeHub("owner/tiny", repoFolder)) {
			Path target = tmp.resolve("tiny");
			Path staging = tmp.resolve("tiny.download");
			HubDownloader d = new HubDownloader(new HubClient(hub.endpoint(), null));
			hub.corrupt = "unet/diffusion_pytorch_model.safetensors";
			assertThrows(IOException.class, () -> d.download("owner/tiny", "main", null, target, TransferListener.NONE));
			assertFalse(Files.exists(staging), "no staging folder after a corrupt file: " + tree(staging));

			// an interrupted run keeps its verified files; one changed on disk since is fetched again
			hub.corrupt = null;
			hub.cutAfterBytes = 1_000_000;
			assertThrows(DownloadInterruptedException.class, () -> d.download("owner/tiny", "main", null, target,
				TransferListener.NONE));
			Path kept = staging.resolve("model_index.json");
			assertTrue(Files.isRegularFile(kept), tree(staging).toString());
			byte[] original = Files.readAllBytes(kept);
			byte[] changed = original.clone();
			changed[1] ^= 1;
			Files.write(kept, changed);
			hub.cutAfterBytes = -1;
			d.download("owner/tiny", "main", null, target, TransferListener.NONE);
			assertArrayEquals(original, Files.readAllBytes(target.resolve("model_index.json")));
		}
	}
}
