package org.diffusionij.host.train;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ij.ImagePlus;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import org.diffusionij.pipelines.train.PatchSampler;
import org.diffusionij.pipelines.train.PreviewDenoiser;
import org.diffusionij.pipelines.train.Trainer;
import org.diffusionij.pipelines.train.TrainingListener;

/**
 * A window that shows, after each validation, a held-out patch noised to σ = 0.2 (about 25 grey levels of an
 * 8-bit image), the EMA model's one-step estimate of it, and the clean patch, side by side, in network units
 * (display range −1..1), enlarged when the patch is small. The window is updated in place; the first channel
 * is shown.
 */
final class TrainingPreview implements TrainingListener {

	static final double SIGMA = 0.2;

	private final Trainer trainer;
	private final NDManager manager;
	private final float[] clean;
	private final int channels, size;
	private final Shown shown;

	/** Where the preview goes: a window here, or a file for the host of a training worker. */
	interface Shown {
		void show(long step, ImageProcessor preview);
	}

	TrainingPreview(Trainer trainer, PatchSampler.Plane validation, NDManager manager, Shown shown) {
		this.shown = shown;
		this.trainer = trainer;
		this.manager = manager;
		this.size = trainer.settings().patch;
		this.channels = validation.channels;
		this.clean = centre(validation, size);
	}

	@Override
	public void validated(long step, double validationLoss) {
		boolean gradMode = JniUtils.isGradMode();
		JniUtils.setGradMode(false);
		float[][] result;
		trainer.model().load(trainer.emaWeights());
		try {
			result = new PreviewDenoiser(trainer.model(), trainer.noiseScheduler()).denoise(clean, channels, size, size,
				SIGMA, 0, manager);
		}
		finally {
			trainer.model().load(trainer.weights());
			JniUtils.setGradMode(gradMode);
		}
		FloatProcessor fp = new FloatProcessor(3 * size, size);
		paste(fp, result[0], 0);
		paste(fp, result[1], size);
		paste(fp, clean, 2 * size);
		ImageProcessor preview = size < 128 ? enlarge(fp, (int) Math.ceil(128.0 / size)) : fp;
		preview.setMinAndMax(-1, 1);
		shown.show(step, preview);
	}

	/** A window updated in place. */
	static Shown window() {
		ImagePlus[] window = new ImagePlus[1];
		return (step, preview) -> {
			String title = "Training preview: noisy | denoised | clean (step " + step + ")";
			if (window[0] == null || window[0].getWindow() == null) {
				window[0] = new ImagePlus(title, preview);
				window[0].show();
			}
			else {
				window[0].setProcessor(title, preview);
				window[0].updateAndDraw();
			}
		};
	}

	/** Small patches are shown enlarged (pixel replication), so the preview is large enough to judge. */
	private static ImageProcessor enlarge(FloatProcessor fp, int factor) {
		fp.setInterpolationMethod(ImageProcessor.NONE);
		return fp.resize(fp.getWidth() * factor, fp.getHeight() * factor);
	}

	private void paste(FloatProcessor fp, float[] chw, int x0) {
		for (int y = 0; y < size; y++) {
			for (int x = 0; x < size; x++) fp.setf(x0 + x, y, chw[y * size + x]);
		}
	}

	private static float[] centre(PatchSampler.Plane p, int size) {
		int y0 = (p.height - size) / 2, x0 = (p.width - size) / 2;
		float[] out = new float[p.channels * size * size];
		for (int c = 0; c < p.channels; c++) {
			for (int y = 0; y < size; y++) {
				System.arraycopy(p.data, c * p.height * p.width + (y0 + y) * p.width + x0, out, (c * size + y) * size, size);
			}
		}
		return out;
	}
}
