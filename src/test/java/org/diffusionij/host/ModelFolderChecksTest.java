package org.diffusionij.host;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.ImagePlus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.diffusionij.io.PickleRefusal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

/**
 * Denoise Image checks a model folder as the README promises, through the one loader of UNet2DModel folders:
 * a foreign {@code _class_name} and a pickle-only folder are refused with what to do, a damaged
 * {@code config.json} is named with where it broke, and config keys the plugin does not read are named in the
 * Log.
 */
class ModelFolderChecksTest {

	private static Context context;
	private static CommandInfo info;

	@TempDir
	Path tmp;

	@BeforeAll
	static void start() {
		context = CommandCall.newContext();
		info = DiffusionCommands.find(context.service(CommandService.class), DenoiseCommand.LABEL);
	}

	@AfterAll
	static void stop() {
		context.dispose();
	}

	/** A copy of the bundled model that a test may change. */
	private Path bundledCopy() throws IOException {
		Path bundled = Paths.get("models/denoise-gray");
		Path copy = tmp.resolve("model");
		try (Stream<Path> files = Files.walk(bundled)) {
			for (Path f : (Iterable<Path>) files::iterator) Files.copy(f, copy.resolve(bundled.relativize(f).toString()));
		}
		return copy;
	}

	private static ImagePlus crop() {
		ImagePlus camera = TestImages.open("skimage_camera.png");
		camera.getProcessor().setRoi(200, 100, 48, 40);
		return new ImagePlus("crop", camera.getProcessor().crop());
	}

	private static String refusal(Path model) {
		Map<String, String> options = new HashMap<>();
		options.put("model", model.toString());
		options.put("sigma", "10");
		IllegalStateException e = assertThrows(IllegalStateException.class, () -> CommandCall.run(context, info,
			options, crop(), "an image"));
		String m = e.getMessage();
		assertFalse(m.contains("\n") || m.contains("Exception") || m.contains("com.google"), "one line for people: " + m);
		return m;
	}

	private static void edit(Path config, String key, String jsonValue) throws IOException {
		JsonObject o = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
		o.add(key, JsonParser.parseString(jsonValue));
		Files.writeString(config, o.toString());
	}

	@Test
	void aForeignClassNameIsRefused() throws Exception {
		Path model = bundledCopy();
		edit(model.resolve("unet/config.json"), "_class_name", "\"UNet9000Model\"");
		String m = refusal(model);
		assertTrue(m.contains("_class_name UNet9000Model is not UNet2DModel"), m);
		assertTrue(m.contains(model.resolve("unet/config.json").toString()), m);
	}

	@Test
	void aPickleOnlyFolderIsRefusedWithTheConversionCommand() throws Exception {
		Path model = bundledCopy();
		Path weights = model.resolve("unet/diffusion_pytorch_model.safetensors");
		Files.move(weights, model.resolve("unet/diffusion_pytorch_model.bin"));
		String m = refusal(model);
		assertTrue(m.contains("diffusion_pytorch_model.bin is a PyTorch pickle checkpoint"), m);
		assertTrue(m.contains(PickleRefusal.HOW_TO_CONVERT), m);
	}

	@Test
	void aDamagedConfigIsNamedWithWhereItBroke() throws Exception {
		Path model = bundledCopy();
		Path config = model.resolve("unet/config.json");
		String text = Files.readString(config);
		Files.writeString(config, text.substring(0, text.length() / 2));
		String m = refusal(model);
		assertTrue(m.contains(config + " is not valid JSON: it ends too early at line "), m);
		assertTrue(m.contains("download or copy the model folder again"), m);
		assertFalse(m.contains("setLenient") || m.contains("EOFException"), m);

		Files.write(config, new byte[] { (byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0x80 });
		m = refusal(model);
		assertTrue(m.contains(config + " is not valid JSON: it is not UTF-8 text"), m);

		Files.writeString(config, text.replace("\"layers_per_block\": 2", "\"layers_per_block\": \"two\""));
		m = refusal(model);
		assertTrue(m.contains("\"layers_per_block\" is \"two\", but it must be a whole number"), m);
	}

	@Test
	void unknownConfigKeysAreNamedInTheLog() throws Exception {
		Path model = bundledCopy();
		edit(model.resolve("unet/config.json"), "my_unet_option", "true");
		edit(model.resolve("scheduler/scheduler_config.json"), "my_scheduler_option", "3");
		Map<String, String> options = new HashMap<>();
		options.put("model", model.toString());
		options.put("sigma", "10");
		ByteArrayOutputStream log = new ByteArrayOutputStream();
		PrintStream stdout = System.out;
		System.setOut(new PrintStream(log, true, StandardCharsets.UTF_8)); // IJ.log writes here without a window
		ImagePlus result;
		try {
			result = CommandCall.run(context, info, options, crop(), "an image");
		}
		finally {
			System.setOut(stdout);
		}
		assertNotNull(result);
		String text = log.toString(StandardCharsets.UTF_8);
		assertTrue(text.contains("Denoise Image: model/unet/config.json key not supported, ignored: my_unet_option"),
			text);
		assertTrue(text.contains("Denoise Image: model/scheduler/scheduler_config.json key not supported, ignored: " +
			"my_scheduler_option"), text);
		assertEquals(2, text.split("key not supported", -1).length - 1, "the bundled model's own keys are all read: " +
			text);
	}
}
