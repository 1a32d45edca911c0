package org.diffusionij.pipelines;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.diffusionij.engine.DiffusionEngine;

/**
 * The bundled model {@code models/denoise-gray} of this project, loaded once for all tests that need it (it is
 * small, but loading it for every test would add up on a 2-core CI machine).
 */
final class BundledDenoiser {

	static final Path FOLDER = Paths.get("models", "denoise-gray");

	private static NDManager manager;
	private static Denoiser denoiser;

	private BundledDenoiser() {}

	static synchronized Denoiser get() {
		if (denoiser == null) {
			DiffusionEngine.inferenceThread();
			manager = NDManager.newBaseManager(Device.cpu());
			try {
				denoiser = Denoiser.load(UnconditionalModel.open(FOLDER), manager);
			}
			catch (IOException e) {
				throw new UncheckedIOException("The bundled model " + FOLDER.toAbsolutePath() + " is needed", e);
			}
		}
		return denoiser;
	}

	static NDManager manager() {
		get();
		return manager;
	}
}
