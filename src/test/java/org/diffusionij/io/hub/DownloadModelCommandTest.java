package org.diffusionij.io.hub;

import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import ij.Prefs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.diffusionij.host.CommandCall;
import org.diffusionij.host.DownloadModelCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

/** Download Model from Hub through its macro keys, against the loopback fake Hub serving the tiny SD folder. */
class DownloadModelCommandTest {

	@TempDir
	Path tmp;

	@Test
	void downloadsTheTinyPipelineIntoTheGivenFolder() throws Exception {
		Path repo = fixture("tiny-sd-pipe");
		Context context = CommandCall.newContext();
		try (FakeHub hub = new FakeHub("owner/tiny-sd", repo)) {
			CommandInfo info = context.service(CommandService.class).getCommand(DownloadModelCommand.class);
			Path target = tmp.resolve("models/owner--tiny-sd");
			Map<String, String> options = new LinkedHashMap<>();
			options.put("id", "owner/tiny-sd");
			options.put("folder", target.toString());
			options.put("endpoint", hub.endpoint());
			assertNull(CommandCall.run(context, info, options, null, "an image"));
			for (String f : new String[] { "model_index.json", "unet/diffusion_pytorch_model.safetensors",
				"vae/diffusion_pytorch_model.safetensors", "text_encoder/model.safetensors", "tokenizer/vocab.json",
				"scheduler/scheduler_config.json" })
			{
				assertArrayEquals(Files.readAllBytes(repo.resolve(f)), Files.readAllBytes(target.resolve(f)), f);
			}
			assertEquals(target.toAbsolutePath().toString(), Prefs.get("diffusionij.generate.model", ""),
				"Generate from Prompt offers the new folder");
			// a second download into the same folder is refused with the folder's name
			IllegalStateException e = assertThrows(IllegalStateException.class, () -> CommandCall.run(context, info,
				options, null, "an image"));
			assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
			options.put("id", "owner/other");
			options.put("folder", tmp.resolve("other").toString());
			e = assertThrows(IllegalStateException.class, () -> CommandCall.run(context, info, options, null, "an image"));
			assertTrue(e.getMessage().contains("owner/other"), e.getMessage());
		}
		finally {
			context.dispose();
		}
	}
}
