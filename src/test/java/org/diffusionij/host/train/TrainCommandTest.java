package org.diffusionij.host.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.plugin.Duplicator;
import java.awt.event.KeyEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.host.CommandCall;
import org.diffusionij.host.DenoiseCommand;
import org.diffusionij.host.DiffusionCommands;
import org.diffusionij.host.MacroOptions;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.pipelines.Normalization;
import org.diffusionij.pipelines.train.PatchSampler;
import org.diffusionij.pipelines.train.PreviewDenoiser;
import org.diffusionij.pipelines.train.TrainingFolder;
import org.diffusionij.pipelines.train.TrainingHistory;
import org.diffusionij.schedulers.Schedulers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

/** Train Diffusion on Stack through its macro line, on a real image stack (imagingbook's CityscapeSmallStack). */
class TrainCommandTest {

	static Context context;
	static CommandInfo info;
	static ImagePlus stack;

	@TempDir
	Path tmp;

	@BeforeAll
	static void setUp() throws Exception {
		context = CommandCall.newContext();
		info = DiffusionCommands.find(context.service(CommandService.class), TrainCommand.LABEL);
		stack = TrainTestData.cityscape();
		assertTrue(stack.getStackSize() >= 5, "a real stack");
	}

	@AfterAll
	static void tearDown() {
		context.dispose();
	}

	static void train(String macro, ImagePlus image) {
		CommandCall.run(context, info, MacroOptions.parse(macro).asMap(), image, "an image");
	}

	static ImagePlus denoise(String macro, ImagePlus image) {
		return CommandCall.run(context, DiffusionCommands.find(context.service(CommandService.class),
			DenoiseCommand.LABEL), MacroOptions.parse(macro).asMap(), image, "an image");
	}

	static String fails(String macro, ImagePlus image) {
		return assertThrows(RuntimeException.class, () -> train(macro, image)).getMessage();
	}

	static TrainingHistory history(Path folder) throws Exception {
		return TrainingHistory.fromJson(ConfigJson.load(folder.resolve(TrainingFolder.STATE_JSON)).json()
			.getAsJsonObject("history"));
	}

	@Test
	void fineTuningATinyModelLowersTheLossAndTheModelDenoisesAHeldOutPlane() throws Exception {
		Path init = TrainTestData.tinyModel(tmp.resolve("tiny"), 1);
		Path out = tmp.resolve("trained");
		ImagePlus training = new Duplicator().run(stack, 1, stack.getStackSize() - 1);
		train("folder=[" + out + "] init=[" + init + "] steps=60 batch=4 patch=32 lr=0.002 seed=3 noise=none", training);
		TrainingHistory h = history(out);
		assertEquals(60, h.losses.size());
		assertTrue(h.recentLoss(10) < 0.6 * h.losses.get(0)[1], "loss " + h.losses.get(0)[1] + " -> " + h.recentLoss(10));
		assertTrue(h.lastValidation() < 0.6 * h.losses.get(0)[1], "validation loss " + h.lastValidation());
		assertEquals(Normalization.percentile().toJson(), ConfigJson.load(out.resolve("normalization.json")).json());

		// the last plane was never trained on
		ImagePlus heldOut = new Duplicator().run(stack, stack.getStackSize(), stack.getStackSize());
		PatchSampler.Plane plane = TrainingData.of(heldOut, Normalization.percentile()).planes.get(0);
		int h8 = plane.height / 8 * 8, w8 = plane.width / 8 * 8;
		float[] clean = new float[h8 * w8];
		for (int y = 0; y < h8; y++) System.arraycopy(plane.data, y * plane.width, clean, y * w8, w8);
		DiffusionEngine.start();
		DiffusionEngine.inferenceThread();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			UNet2DModel unet = UNet2DModel.fromFolder(out.resolve("unet"), m);
			PreviewDenoiser d = new PreviewDenoiser(unet, Schedulers.fromConfig(ConfigJson.load(out.resolve(
				"scheduler/scheduler_config.json"))));
			float[][] r = d.denoise(clean, 1, h8, w8, 0.5, 7, m);
			double noisy = mse(r[0], clean), denoised = mse(r[1], clean);
			assertTrue(denoised < 0.7 * noisy, "mean squared error noisy " + noisy + ", denoised " + denoised);
		}
	}

	@Test
	void fromScratchWritesADiffusersFolder() throws Exception {
		Path out = tmp.resolve("scratch");
		train("folder=[" + out + "] init=[] preset=small steps=2 batch=2 patch=32 noise=none", stack);
		for (String f : Arrays.asList("model_index.json", "unet/config.json", "unet/diffusion_pytorch_model.safetensors",
			"scheduler/scheduler_config.json", "README.md", "normalization.json", TrainingFolder.STATE_JSON,
			TrainingFolder.STATE_TENSORS))
		{
			assertTrue(Files.isRegularFile(out.resolve(f)), f);
		}
		JsonObject unet = ConfigJson.load(out.resolve("unet/config.json")).json();
		assertEquals("[32,64,128]", unet.get("block_out_channels").toString());
		assertEquals(1, unet.get("in_channels").getAsInt());
		assertEquals("DDPMPipeline", ConfigJson.load(out.resolve("model_index.json")).json().get("_class_name")
			.getAsString());
		String card = new String(Files.readAllBytes(out.resolve("README.md")), "UTF-8");
		assertTrue(card.contains(stack.getTitle()), card);
	}

	@Test
	void cancelledThenResumedEqualsAnUninterruptedRun() throws Exception {
		Path init = TrainTestData.tinyModel(tmp.resolve("tiny"), 1);
		String settings = " init=[" + init + "] steps=6 batch=2 patch=32 lr=0.002 seed=5 checkpoint_every=3 noise=none";
		Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
		train("folder=[" + straight + "]" + settings, stack);

		// Esc is pressed when the log reports step 3: training stops after that step and saves it
		PrintStream stdout = System.out;
		ByteArrayOutputStream seen = new ByteArrayOutputStream();
		System.setOut(new PrintStream(seen, true) {
			@Override
			public void println(String line) {
				stdout.println(line);
				if (line != null && line.contains(": step 3,")) IJ.setKeyDown(KeyEvent.VK_ESCAPE);
			}
		});
		String message;
		try {
			message = fails("folder=[" + resumed + "]" + settings, stack);
		}
		finally {
			System.setOut(stdout);
			IJ.resetEscape();
		}
		assertTrue(message.contains("cancelled at step 3"), message);
		assertEquals(3, history(resumed).losses.size());
		assertTrue(fails("folder=[" + resumed + "]" + settings, stack).contains("resume=true"),
			"a second run into the folder of a run is refused");

		train("folder=[" + resumed + "] resume=true", stack);
		for (String f : Arrays.asList("unet/diffusion_pytorch_model.safetensors", TrainingFolder.STATE_TENSORS)) {
			assertArrayEquals(Files.readAllBytes(straight.resolve(f)), Files.readAllBytes(resumed.resolve(f)), f);
		}
		assertEquals(history(straight).toJson(), history(resumed).toJson());
	}

	@Test
	void trainsOnAFolderOfImages() throws Exception {
		Path images = Files.createDirectories(tmp.resolve("images"));
		for (int z = 1; z <= 3; z++) {
			IJ.saveAsTiff(new ImagePlus("plane" + z, stack.getStack().getProcessor(z)), images.resolve("plane" + z +
				".tif").toString());
		}
		Path init = TrainTestData.tinyModel(tmp.resolve("tiny"), 1);
		Path out = tmp.resolve("fromFolder");
		train("image_folder=[" + images + "] folder=[" + out + "] init=[" + init + "] steps=2 batch=2 patch=32 noise=none", null);
		JsonObject data = ConfigJson.load(out.resolve(TrainingFolder.STATE_JSON)).json().getAsJsonObject("data");
		assertEquals(3, data.get("count").getAsInt());
		assertEquals(3, data.get("images").getAsInt());
		assertEquals(2, history(out).losses.size());
	}

	@Test
	void badInputIsRefusedAndNothingIsWritten() throws Exception {
		Path init = TrainTestData.tinyModel(tmp.resolve("tiny"), 1);
		Path out = tmp.resolve("never");
		String base = "folder=[" + out + "] init=[" + init + "] batch=2 ";
		assertTrue(fails(base + "steps=2 patch=512", stack).contains("larger than an image"));
		assertTrue(fails(base + "steps=0 patch=32", stack).contains("steps must be at least 1"));
		ImagePlus rgb = new ImagePlus("rgb", stack.getStack().getProcessor(1).convertToRGB());
		assertTrue(fails(base + "steps=2 patch=32", rgb).contains("channel"));
		assertTrue(fails(base + "steps=2 patch=32", null).contains("needs an open image"));
		assertFalse(Files.exists(out), "nothing written");
		try (java.util.stream.Stream<Path> left = Files.list(tmp)) {
			assertEquals(1, left.count(), "no temporary folders left behind");
		}
	}

	@Test
	void noiseKeysAreCheckedBeforeAnythingIsWritten() throws Exception {
		Path init = TrainTestData.tinyModel(tmp.resolve("tiny"), 1);
		Path out = tmp.resolve("never");
		String base = "folder=[" + out + "] init=[" + init + "] batch=2 steps=2 patch=32 ";
		assertTrue(fails(base + "noise=speckle", stack).contains("noise=speckle is not one of"));
		assertTrue(fails(base + "sigma=loud", stack).contains("sigma=loud"));
		assertTrue(fails(base + "sigma=-3", stack).contains("sigma=-3"));
		assertTrue(fails(base + "noise=poisson-gaussian gain=0", stack).contains("gain must be greater than 0"));
		assertTrue(fails(base + "objective=magic", stack).contains("objective=magic"));
		assertFalse(Files.exists(out), "nothing written");
	}

	@Test
	void noisyStackTrainsNoiseAwareAndDenoiseImageUsesTheRecord() throws Exception {
		Path out = tmp.resolve("noisy");
		train("folder=[" + out + "] init=[" + TrainTestData.tinyModel(tmp.resolve("tiny-n"), 1) + "] steps=2 batch=2 " +
			"patch=32 noise=poisson-gaussian gain=3 offset=10 sigma=auto", stack);
		JsonObject record = ConfigJson.load(out.resolve("noise.json")).json();
		assertEquals("poisson-gaussian", record.get("noise").getAsString());
		assertEquals(3, record.get("gain").getAsDouble(), 0);
		assertEquals("auto", record.get("sigma").getAsString());
		String card = new String(Files.readAllBytes(out.resolve("README.md")), java.nio.charset.StandardCharsets.UTF_8);
		assertTrue(card.contains("Trained on noisy data") && card.contains("starting model"), card);
		ImagePlus plane = new Duplicator().run(stack, 1, 1);
		PrintStream stdout = System.out;
		ByteArrayOutputStream seen = new ByteArrayOutputStream();
		System.setOut(new PrintStream(seen, true));
		try {
			denoise("model=[" + out + "]", plane);
		}
		finally {
			System.setOut(stdout);
		}
		assertTrue(seen.toString().contains("noise=auto, as noisy was trained: noise=poisson-gaussian"), seen.toString());
		String sample = assertThrows(RuntimeException.class, () -> denoise("model=[" + out + "] mode=sample", plane))
			.getMessage();
		assertTrue(sample.contains("mode=sample") && sample.contains("trained on noisy data"), sample);
	}

	@Test
	void rgbStacksTrainWithThreeChannels() throws Exception {
		ImageStack rgb = new ImageStack(stack.getWidth(), stack.getHeight());
		for (int z = 1; z <= 3; z++) rgb.addSlice(stack.getStack().getProcessor(z).convertToRGB());
		Path out = tmp.resolve("rgb");
		train("folder=[" + out + "] init=[" + TrainTestData.tinyModel(tmp.resolve("tiny3"), 3) +
			"] steps=1 batch=1 patch=32 noise=none", new ImagePlus("rgb", rgb));
		assertEquals(3, ConfigJson.load(out.resolve("unet/config.json")).json().get("in_channels").getAsInt());
	}

	private static double mse(float[] a, float[] b) {
		double s = 0;
		for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (double) (a[i] - b[i]);
		return s / a.length;
	}
}
