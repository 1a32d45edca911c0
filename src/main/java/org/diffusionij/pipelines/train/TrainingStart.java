package org.diffusionij.pipelines.train;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusionij.engine.Generator;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.pipelines.Normalization;
import org.diffusionij.pipelines.UnconditionalModel;
import org.diffusionij.schedulers.Scheduler;
import org.diffusionij.schedulers.Schedulers;

/**
 * Where a training run starts: a fresh UNet of a {@link ModelPresets preset} with diffusers' default DDPM
 * scheduler (from scratch), an existing diffusers model folder whose UNet weights, scheduler and normalisation
 * are taken over (fine-tuning), or the checkpoint in the output folder (Resume, which also takes over the
 * saved settings, so the resumed run is the one that was interrupted).
 * Fresh weights are drawn from a generator seeded with the settings' seed.
 */
public final class TrainingStart {

	public final UNet2DModel unet;
	public final JsonObject unetConfig;
	public final Scheduler scheduler;
	public final Normalization normalization;
	public final TrainingSettings settings;
	/** The checkpoint to restore (Resume), else null. */
	public final TrainingFolder.Saved saved;
	/** A line for the log: what the run starts from. */
	public final String origin;

	private TrainingStart(UNet2DModel unet, JsonObject unetConfig, Scheduler scheduler, Normalization normalization,
		TrainingSettings settings, TrainingFolder.Saved saved, String origin)
	{
		this.unet = unet;
		this.unetConfig = unetConfig;
		this.scheduler = scheduler;
		this.normalization = normalization;
		this.settings = settings;
		this.saved = saved;
		this.origin = origin;
	}

	/** Continues the checkpoint in {@code folder} with its saved settings. */
	public static TrainingStart resume(Path folder, NDManager manager) throws IOException {
		TrainingFolder.Saved saved = TrainingFolder.load(folder, manager);
		UNet2DModel unet = new UNet2DModel(new ConfigJson(saved.unetConfig, folder + "/unet/config.json"));
		unet.initialize(manager, Generator.manualSeed(saved.settings.seed));
		Scheduler scheduler = Schedulers.fromConfig(new ConfigJson(saved.schedulerConfig, folder.toString()));
		return new TrainingStart(unet, saved.unetConfig, scheduler, saved.normalization,
			saved.settings, saved, "resuming " + folder + " at step " + saved.step + " of " + saved.settings.steps);
	}

	/** A fresh UNet of {@code preset} for images of {@code channels} channels and patches of the settings' size. */
	public static TrainingStart scratch(String preset, int channels, TrainingSettings settings, NDManager manager) {
		JsonObject config = ModelPresets.unetConfig(preset, channels, settings.patch);
		UNet2DModel unet = new UNet2DModel(new ConfigJson(config, "preset " + preset));
		unet.initialize(manager, Generator.manualSeed(settings.seed));
		Scheduler scheduler = Schedulers.fromConfig(new ConfigJson(ModelPresets.ddpmSchedulerConfig(
			settings.prediction), "DDPMScheduler defaults"));
		return new TrainingStart(unet, config, scheduler, Normalization.percentile(), settings, null,
			"from scratch, preset " + ModelPresets.describe(preset));
	}

	/**
	 * Fine-tunes the model folder {@code init}: its UNet weights and config, its scheduler (with the chosen
	 * prediction type) and its {@code normalization.json} (percentile 1/99.8 when it has none). When the folder
	 * was itself trained here (its {@code training_state.json} says how; bundled models ship that file without the
	 * large tensor state), its timestep sampling is kept, so a denoiser stays a denoiser.
	 */
	public static TrainingStart fineTune(UnconditionalModel init, TrainingSettings settings, NDManager manager)
		throws IOException
	{
		UNet2DModel unet = init.unet(manager);
		JsonObject prediction = new JsonObject();
		prediction.addProperty("prediction_type", settings.prediction);
		Scheduler scheduler = init.scheduler(null, prediction);
		Path state = init.folder().resolve(TrainingFolder.STATE_JSON);
		if (Files.isRegularFile(state)) {
			TrainingSettings before = TrainingSettings.fromJson(ConfigJson.load(state).json().getAsJsonObject(
				"settings"));
			settings.timestepSampling = before.timestepSampling;
			settings.sigmaMin = before.sigmaMin;
			settings.sigmaMax = before.sigmaMax;
			settings.maxTimestep = before.maxTimestep;
		}
		return new TrainingStart(unet, init.unetConfig(), scheduler, init.normalization(), settings, null,
			"fine-tuning " + init.folder());
	}
}
