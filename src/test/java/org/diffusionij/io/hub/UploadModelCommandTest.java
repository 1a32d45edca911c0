package org.diffusionij.io.hub;

import static org.junit.jupiter.api.Assertions.*;

import ij.ImagePlus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.diffusionij.host.CommandCall;
import org.diffusionij.host.DiffusionCommands;
import org.diffusionij.host.DownloadModelCommand;
import org.diffusionij.host.GenerateSamplesCommand;
import org.diffusionij.host.MacroOptions;
import org.diffusionij.host.UploadModelCommand;
import org.diffusionij.host.train.TrainCommand;
import org.diffusionij.host.train.TrainTestData;
import org.diffusionij.pipelines.train.TrainingFolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandService;

/**
 * Upload Model to Hub through its macro line against the fake Hub: a model trained here goes up, Download
 * Model from Hub brings the same bytes back, and Generate Samples gives the same images from both folders; bad
 * input is refused before anything is sent. The token comes from huggingface_hub's token file under a test
 * home (user.home), as it would from {@code hf auth login}.
 */
class UploadModelCommandTest {

	static Context context;

	@TempDir
	Path tmp;
	private String home;

	@BeforeAll
	static void setUp() {
		context = CommandCall.newContext();
	}

	@AfterAll
	static void tearDown() {
		context.dispose();
	}

	@BeforeEach
	void tokenFile() throws Exception {
		Path file = tmp.resolve("home/.cache/huggingface/token");
		Files.createDirectories(file.getParent());
		Files.write(file, "hf_test_token\n".getBytes(StandardCharsets.UTF_8));
		home = System.getProperty("user.home");
		System.setProperty("user.home", tmp.resolve("home").toString());
	}

	@AfterEach
	void restoreHome() {
		System.setProperty("user.home", home);
	}

	static ImagePlus run(String label, String macro, ImagePlus image) {
		return CommandCall.run(context, DiffusionCommands.find(context.service(CommandService.class), label),
			MacroOptions.parse(macro).asMap(), image, "an image");
	}

	static String fails(String macro) {
		return assertThrows(RuntimeException.class, () -> run(UploadModelCommand.LABEL, macro, null)).getMessage();
	}

	@Test
	void aTrainedModelGoesUpAndComesBackTheSame() throws Exception {
		Path trained = tmp.resolve("trained");
		run(TrainCommand.LABEL, "folder=[" + trained + "] init=[] preset=small steps=2 batch=2 patch=32 noise=none",
			TrainTestData.cityscape());
		String cardBefore = new String(Files.readAllBytes(trained.resolve("README.md")), StandardCharsets.UTF_8);
		try (FakeHub hub = new FakeHub("lab/cells")) {
			hub.requiredToken = "hf_test_token";
			run(UploadModelCommand.LABEL, "folder=[" + trained + "] repo=lab/cells endpoint=" + hub.endpoint(), null);
			assertEquals(1, hub.upload.commits);
			assertFalse(hub.files.containsKey(TrainingFolder.STATE_JSON), "the training state stays home");
			assertFalse(hub.files.containsKey(TrainingFolder.STATE_TENSORS));
			assertEquals(cardBefore, new String(Files.readAllBytes(trained.resolve("README.md")), StandardCharsets.UTF_8),
				"the folder is not written to");
			String card = new String(hub.files.get("README.md"), StandardCharsets.UTF_8);
			assertTrue(card.startsWith("---\n"), card);
			for (String line : new String[] { "library_name: diffusers", "pipeline_tag: unconditional-image-generation",
				"license: other", "- diffusers", "- diffusion-for-imagej" })
			{
				assertTrue(card.contains("\n" + line + "\n"), line + " in\n" + card);
			}
			String text = cardBefore.substring(cardBefore.indexOf("\n---\n") + 5);
			assertTrue(card.endsWith(text), "the card's text is kept");
			assertTrue(card.indexOf("library_name") == card.lastIndexOf("library_name"), "a key the card has is kept once");

			Path back = tmp.resolve("back");
			run(DownloadModelCommand.LABEL, "id=lab/cells folder=[" + back + "] endpoint=" + hub.endpoint(), null);
			for (Map.Entry<String, byte[]> f : hub.files.entrySet()) {
				assertArrayEquals(f.getValue(), Files.readAllBytes(back.resolve(f.getKey())), f.getKey());
				if (!f.getKey().equals("README.md")) {
					assertArrayEquals(Files.readAllBytes(trained.resolve(f.getKey())), f.getValue(), f.getKey());
				}
			}
			String generate = " scheduler=DDIM steps=4 seed=3 count=1";
			ImagePlus original = run(GenerateSamplesCommand.LABEL, "model=[" + trained + "]" + generate, null);
			ImagePlus downloaded = run(GenerateSamplesCommand.LABEL, "model=[" + back + "]" + generate, null);
			assertArrayEquals((float[]) original.getProcessor().getPixels(), (float[]) downloaded.getProcessor()
				.getPixels());

			// a second upload of the unchanged folder makes no commit
			run(UploadModelCommand.LABEL, "folder=[" + trained + "] repo=lab/cells endpoint=" + hub.endpoint(), null);
			assertEquals(1, hub.upload.commits);
		}
	}

	@Test
	void badInputIsRefusedBeforeAnythingIsSent() throws Exception {
		Path notAModel = Files.createDirectories(tmp.resolve("pictures"));
		Files.write(notAModel.resolve("a.txt"), new byte[] { 1 });
		try (FakeHub hub = new FakeHub("lab/cells")) {
			String m = fails("folder=[" + notAModel + "] repo=lab/cells endpoint=" + hub.endpoint());
			assertTrue(m.contains("not a diffusers model"), m);
			m = fails("folder=[" + notAModel + "] repo=cells endpoint=" + hub.endpoint());
			assertTrue(m.contains("owner/name"), m);
			m = fails("folder=[" + tmp.resolve("missing") + "] repo=lab/cells endpoint=" + hub.endpoint());
			assertTrue(m.contains("does not exist"), m);
			m = fails("folder=[" + notAModel + "] repo=lab/cells visibility=secret endpoint=" + hub.endpoint());
			assertTrue(m.contains("visibility"), m);
			assertTrue(hub.upload.requests.isEmpty(), hub.upload.requests.toString());
		}
	}

	@Test
	void withoutATokenNothingIsSent() throws Exception {
		Files.delete(tmp.resolve("home/.cache/huggingface/token"));
		Path model = TrainTestData.tinyModel(tmp.resolve("tiny"), 1);
		try (FakeHub hub = new FakeHub("lab/cells")) {
			String m = fails("folder=[" + model + "] repo=lab/cells endpoint=" + hub.endpoint());
			assertTrue(m.startsWith("No token"), m);
			assertTrue(hub.upload.requests.isEmpty());
		}
	}
}
