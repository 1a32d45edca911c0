package org.diffusionij.host.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import ij.IJ;
import ij.ImagePlus;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.Generator;
import org.diffusionij.io.ModelFolderWriter;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.pipelines.train.ModelPresets;

/** A real image stack from the test class path and a tiny untrained model folder to start training from. */
public final class TrainTestData {

	private TrainTestData() {}

	/** imagingbook's CityscapeSmallStack: real 8-bit photographs, several planes. */
	public static ImagePlus cityscape() throws Exception {
		Path file = Files.createTempFile("cityscape", ".tif");
		try (InputStream in = TrainTestData.class.getResourceAsStream(
			"/imagingbook/sampleimages/GeneralSampleImage-data/CityscapeSmallStack.tif"))
		{
			Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
		}
		ImagePlus imp = IJ.openImage(file.toString());
		Files.delete(file);
		return imp;
	}

	/** A freshly initialised UNet (channels 16/32, one layer per block) with diffusers' DDPM scheduler. */
	public static Path tinyModel(Path folder, int channels) throws Exception {
		JsonObject c = ModelPresets.unetConfig("small", channels, 32);
		c.add("block_out_channels", new Gson().toJsonTree(new int[] { 16, 32 }));
		c.add("down_block_types", new Gson().toJsonTree(new String[] { "DownBlock2D", "DownBlock2D" }));
		c.add("up_block_types", new Gson().toJsonTree(new String[] { "UpBlock2D", "UpBlock2D" }));
		c.addProperty("layers_per_block", 1);
		DiffusionEngine.start();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			UNet2DModel unet = new UNet2DModel(new ConfigJson(c, "test"));
			unet.initialize(m, Generator.manualSeed(42));
			new ModelFolderWriter("DDPMPipeline").model("unet", c, unet.parameters())
				.scheduler("scheduler", ModelPresets.ddpmSchedulerConfig("epsilon")).save(folder);
		}
		return folder;
	}
}
