package org.diffusionij.io.hub;

import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubDownloaderTest {

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
		Files.write(repoFolder.resolve("unet/diffusion_pytorch_model.bin"), new byte[] { (byte) 0x80, 2 });
		Files.write(repoFolder.resolve("unet/diffusion_pytorch_model.fp16.safetensors"), new byte[100]);
		Files.write(repoFolder.resolve("v1-single-file.safetensors"), new byte[10]);
	}

	@Test
	void downloadsTheLoadableFilesAndVerifiesThem() throws Exception {
		try (FakeHub hub = new FakeHub("owner/tiny", repoFolder)) {
			Path target = tmp.resolve("models/tiny");
			Files.createDirectories(target.getParent());
			AtomicLong last = new AtomicLong();
			new HubDownloader(new HubClient(hub.endpoint(), null)).download("owner/tiny", "main", null, target,
				listener(last, false));
			for (String f : new String[] { "model_index.json", "unet/config.json",
				"unet/diffusion_pytorch_model.safetensors", "scheduler/scheduler_config.json" })
			{
				assertArrayEquals(Files.readAllBytes(repoFolder.resolve(f)), Files.readAllBytes(target.resolve(f)), f);
			}
			assertFalse(Files.exists(target.resolve("unet/diffusion_pytorch_model.bin")), "pickle skipped");
			assertFalse(Files.exists(target.resolve("unet/diffusion_pytorch_model.fp16.safetensors")));
			assertFalse(Files.exists(target.resolve("v1-single-file.safetensors")));
			assertFalse(Files.exists(tmp.resolve("models/tiny.download")), "staging folder moved into place");
			assertTrue(last.get() > 3_000_000);
		}
	}

	@Test
	void resumesAnInterruptedDownloadWithARangeRequest() throws Exception {
		try (FakeHub hub = new FakeHub("owner/tiny", repoFolder)) {
			Path target = tmp.resolve("tiny");
			HubDownloader d = new HubDownloader(new HubClient(hub.endpoint(), null));
			hub.cutAfterBytes = 1_000_000;
			assertThrows(IOException.class, () -> d.download("owner/tiny", "main", null, target, TransferListener.NONE));
			assertFalse(Files.exists(target), "nothing half-written at the target");
			Path part = tmp.resolve("tiny.download/unet/diffusion_pytorch_model.safetensors.part");
			assertTrue(Files.size(part) > 0, "partial bytes kept for resuming");
			hub.cutAfterBytes = -1;
			d.download("owner/tiny", "main", null, target, TransferListener.NONE);
			assertTrue(hub.rangeRequests.stream().anyMatch(r -> r.startsWith("unet/diffusion_pytorch_model.safetensors")),
				hub.rangeRequests.toString());
			assertArrayEquals(Files.readAllBytes(repoFolder.resolve("unet/diffusion_pytorch_model.safetensors")),
				Files.readAllBytes(target.resolve("unet/diffusion_pytorch_model.safetensors")));
		}
	}

	@Test
	void corruptFileIsRejectedAndDeleted() throws Exception {
		try (FakeHub hub = new FakeHub("owner/tiny", repoFolder)) {
			hub.corrupt = "unet/diffusion_pytorch_model.safetensors";
			Path target = tmp.resolve("tiny");
			IOException e = assertThrows(IOException.class, () -> new HubDownloader(new HubClient(hub.endpoint(), null))
				.download("owner/tiny", "main", null, target, TransferListener.NONE));
			assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
			assertFalse(Files.exists(target));
			assertFalse(Files.exists(tmp.resolve("tiny.download/unet/diffusion_pytorch_model.safetensors.part")));
		}
	}

	@Test
	void tokenIsSentAndMissingModelIsExplained() throws Exception {
		try (FakeHub hub = new FakeHub("owner/tiny", repoFolder)) {
			hub.requiredToken = "secret";
			IOException e = assertThrows(IOException.class,
				() -> new HubClient(hub.endpoint(), null).listFiles("owner/tiny", "main"));
			assertTrue(e.getMessage().contains("HF_TOKEN"), e.getMessage());
			assertEquals(7, new HubClient(hub.endpoint(), "secret").listFiles("owner/tiny", "main").size());
			IOException missing = assertThrows(IOException.class,
				() -> new HubClient(hub.endpoint(), "secret").listFiles("owner/other", "main"));
			assertTrue(missing.getMessage().contains("check the model id"), missing.getMessage());
			assertThrows(IOException.class, () -> new HubClient(hub.endpoint(), null).listFiles("../etc", "main"));
		}
	}

	@Test
	void fp16VariantIsChosenWherePresent() {
		List<HubFile> all = Arrays.asList(file("model_index.json"), file("unet/config.json"),
			file("unet/diffusion_pytorch_model.safetensors"), file("unet/diffusion_pytorch_model.fp16.safetensors"),
			file("vae/diffusion_pytorch_model.safetensors"), file("text_encoder/model.fp16.safetensors"),
			file("text_encoder/model.safetensors"), file("text_encoder/pytorch_model.bin"),
			file("tokenizer/merges.txt"), file("v1-5-pruned.ckpt"));
		List<String> fp16 = FileSelection.select(all, "fp16").stream().map(f -> f.path).collect(Collectors.toList());
		assertEquals(Arrays.asList("model_index.json", "unet/config.json",
			"unet/diffusion_pytorch_model.fp16.safetensors", "vae/diffusion_pytorch_model.safetensors",
			"text_encoder/model.fp16.safetensors", "tokenizer/merges.txt"), fp16);
		List<String> full = FileSelection.select(all, null).stream().map(f -> f.path).collect(Collectors.toList());
		assertTrue(full.contains("unet/diffusion_pytorch_model.safetensors"));
		assertFalse(full.contains("unet/diffusion_pytorch_model.fp16.safetensors"));
		assertEquals("fp16", FileSelection.variantOf("unet/diffusion_pytorch_model.fp16-00001-of-00002.safetensors"));
	}

	private static HubFile file(String path) {
		return new HubFile(path, 1, null, null);
	}

	private static TransferListener listener(AtomicLong last, boolean cancel) {
		return new TransferListener() {
			@Override
			public void progress(String file, long done, long total) {
				assertTrue(done <= total);
				last.set(done);
			}

			@Override
			public boolean isCancelled() {
				return cancel;
			}
		};
	}
}
