package org.diffusionij.pipelines.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Paths;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.pipelines.UnconditionalModel;
import org.junit.jupiter.api.Test;

class TrainingStartTest {

	/** Fine-tuning the bundled denoiser keeps training at denoising noise levels, not uniform timesteps. */
	@Test
	void fineTuningTheBundledDenoiserKeepsItsNoiseLevels() throws Exception {
		DiffusionEngine.start();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			TrainingSettings s = new TrainingSettings();
			UnconditionalModel init = UnconditionalModel.open("init", "denoise-gray");
			TrainingStart start = TrainingStart.fineTune(init, s, m);
			assertEquals(TrainingSettings.TimestepSampling.LOG_SIGMA, start.settings.timestepSampling);
			assertEquals(0.01, start.settings.sigmaMin, 0);
			assertEquals(1.0, start.settings.sigmaMax, 0);
			assertEquals(Paths.get("models/denoise-gray").toAbsolutePath().normalize(), init.folder()
				.toAbsolutePath().normalize());
		}
	}
}
