package org.diffusionij.pipelines.train;

import com.google.gson.JsonObject;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;

/** The {@code README.md} written into a trained model's folder: data, settings, steps, losses and time. */
public final class ModelCard {

	private ModelCard() {}

	static String text(Trainer t, JsonObject unetConfig, JsonObject data, double seconds) {
		TrainingSettings s = t.settings();
		StringBuilder sb = new StringBuilder();
		sb.append("---\nlibrary_name: diffusers\ntags:\n- unconditional-image-generation\n- denoising\n")
			.append("- diffusion-for-imagej\n---\n\n");
		sb.append("# ").append(data.has("title") ? data.get("title").getAsString() : "Diffusion model").append("\n\n");
		sb.append("A `UNet2DModel` + `DDPMScheduler` trained with Diffusion for ImageJ (Train Diffusion on Stack). ")
			.append("Load it in Fiji with Denoise Image or Generate Samples, or in Python with ")
			.append("`DDPMPipeline.from_pretrained(folder)` / `UNet2DModel.from_pretrained(folder, subfolder=\"unet\")`.\n\n");
		sb.append("## Data\n\n");
		for (Map.Entry<String, com.google.gson.JsonElement> e : data.entrySet()) {
			if (!e.getKey().equals("title")) sb.append("- ").append(e.getKey()).append(": ").append(e.getValue().isJsonPrimitive() ?
				e.getValue().getAsString() : e.getValue().toString()).append('\n');
		}
		sb.append("\n## Network\n\n- block_out_channels: ").append(unetConfig.get("block_out_channels"))
			.append("\n- down_block_types: ").append(unetConfig.get("down_block_types"))
			.append("\n- parameters: ").append(String.format(Locale.ROOT, "%,d", t.model().parameterCount())).append('\n');
		sb.append("\n## Training\n\n");
		s.toJson().entrySet().forEach(e -> sb.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n'));
		sb.append(String.format(Locale.ROOT, "- steps done: %d of %d%n- time: %.0f s%n", t.step(), s.steps, seconds));
		sb.append(String.format(Locale.ROOT, "- final training loss (mean of last 50 steps): %.5f%n",
			t.history().recentLoss(50)));
		sb.append(String.format(Locale.ROOT, "- final validation loss (EMA weights, held-out data): %.5f%n",
			t.history().lastValidation()));
		if (t.noiseAware()) sb.append(noiseAware(t));
		sb.append("- optimizer: AdamW (betas 0.95/0.999, weight decay 1e-6), warm-up then cosine learning rate, ")
			.append("gradient clipping, EMA of the weights (saved)\n");
		sb.append("- written: ").append(LocalDate.now()).append('\n');
		return sb.toString();
	}

	/** The noise-aware part: the noise, the objective, and the estimated error of the start and the saved model. */
	private static String noiseAware(Trainer t) {
		double start = t.history().validations.get(0)[1];
		StringBuilder sb = new StringBuilder();
		sb.append("\n### Trained on noisy data\n\n")
			.append("- noise: ").append(t.settings().noiseRecord(t.modelEstimator())).append('\n')
			.append("- objective: ").append(t.settings().objective() == TrainingSettings.Objective.SURE ?
				"Stein's unbiased risk estimate (SURE) of the one-step denoiser's error" : "DDPM's loss on the noisy " +
				"images, denoised by the Noisier2Noise estimate").append(", from the noisy images alone; Denoise Image ")
			.append("computes the estimator recorded in noise.json (mode=mean)\n")
			.append(String.format(Locale.ROOT, "- estimated denoising error on held-out noisy patches (SURE, network " +
				"units): starting model %.6f, saved model (step %d) %.6f: %s%n", start, t.bestStep(), t.bestValue(),
				verdict(start, t.bestValue())));
		return sb.toString();
	}

	/** One line for the Log: the estimated denoising error before and after noise-aware training. */
	public static String summary(Trainer t) {
		double start = t.history().validations.get(0)[1];
		return String.format(Locale.ROOT, "estimated denoising error (SURE) on held-out noisy patches: starting " +
			"model %.6f, saved model (step %d) %.6f: %s", start, t.bestStep(), t.bestValue(), verdict(start,
				t.bestValue()));
	}

	/** The change of the estimated error as PSNR in dB, or a plain statement that it did not improve. */
	static String verdict(double start, double best) {
		if (!(best < start) || !(best > 0)) return "no improvement over the starting model, which is what was saved";
		return String.format(Locale.ROOT, "%.2f dB better than the starting model (estimated)", 10 * Math.log10(start /
			best));
	}
}
