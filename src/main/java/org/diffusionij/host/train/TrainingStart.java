package org.diffusionij.host.train;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.io.ModelCatalog;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.pipelines.Normalization;
import org.diffusionij.pipelines.train.ModelPresets;
import org.diffusionij.pipelines.train.TrainingFolder;
import org.diffusionij.pipelines.train.TrainingSettings;
import org.diffusionij.schedulers.Scheduler;
import org.diffusionij.schedulers.Schedulers;

/**
 * Where a training run starts: a fresh UNet of a {@link ModelPresets preset} with diffusers' default DDPM
 * scheduler (from scratch), an existing diffusers model folder whose UNet weights, scheduler and normalisation
 * are taken over (fine-tuning), or the checkpoint in the output folder (Resume, which also takes over the
 * saved settings, so the resumed run is the one that was interrupted).
 * <p>
 * The {@code init} key names the model to fine-tune: the name of a bundled model (a folder under the plugin's
 * {@code models/}, e.g. {@code denoise-gray}, the default) or the path of a model folder; empty means from
 * scratch with {@code preset}.
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
		unet.initialize(manager, saved.settings.seed);
		Scheduler scheduler = Schedulers.fromConfig(new ConfigJson(saved.schedulerConfig, folder.toString()));
		return new TrainingStart(unet, saved.unetConfig, scheduler, Normalization.fromJson(saved.normalization),
			saved.settings, saved, "resuming " + folder + " at step " + saved.step + " of " + saved.settings.steps);
	}

	/** A fresh UNet of {@code preset} for images of {@code channels} channels and patches of the settings' size. */
	public static TrainingStart scratch(String preset, int channels, TrainingSettings settings, NDManager manager) {
		JsonObject config = ModelPresets.unetConfig(preset, channels, settings.patch);
		UNet2DModel unet = new UNet2DModel(new ConfigJson(config, "preset " + preset));
		unet.initialize(manager, settings.seed);
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
	public static TrainingStart fineTune(Path init, TrainingSettings settings, NDManager manager) throws IOException {
		if (!Files.isRegularFile(init.resolve("unet/config.json"))) {
			throw new IllegalArgumentException("init=" + init + " is not a diffusers model folder with a UNet " +
				"(unet/config.json is missing). Leave init empty to train from scratch.");
		}
		JsonObject config = ConfigJson.load(init.resolve("unet/config.json")).json();
		UNet2DModel unet = UNet2DModel.fromFolder(init.resolve("unet"), manager);
		JsonObject schedulerConfig = ConfigJson.load(init.resolve("scheduler/scheduler_config.json")).json().deepCopy();
		schedulerConfig.addProperty("prediction_type", settings.prediction);
		Scheduler scheduler = Schedulers.fromConfig(new ConfigJson(schedulerConfig, init.toString()));
		Path norm = init.resolve(TrainingFolder.NORMALIZATION);
		Normalization normalization = Files.isRegularFile(norm) ? Normalization.fromJson(ConfigJson.load(norm).json())
			: Normalization.percentile();
		if (Files.isRegularFile(init.resolve(TrainingFolder.STATE_JSON))) {
			TrainingSettings before = TrainingSettings.fromJson(ConfigJson.load(init.resolve(TrainingFolder.STATE_JSON))
				.json().getAsJsonObject("settings"));
			settings.timestepSampling = before.timestepSampling;
			settings.sigmaMin = before.sigmaMin;
			settings.sigmaMax = before.sigmaMax;
			settings.maxTimestep = before.maxTimestep;
		}
		return new TrainingStart(unet, config, scheduler, normalization, settings, null, "fine-tuning " + init);
	}

	/**
	 * The folder named by {@code init}: a bundled model's name or a path.
	 *
	 * @throws IllegalArgumentException when it is neither
	 */
	public static Path resolveInit(String init, Class<?> anchor) throws IOException {
		ModelCatalog.Entry bundled = ModelCatalog.bundled(anchor).find(init);
		if (bundled != null) return bundled.folder;
		Path path = Paths.get(init);
		if (Files.isDirectory(path)) return path;
		throw new IllegalArgumentException("init=" + init + " is neither a bundled model nor a folder. Leave " +
			"init empty to train from scratch with a preset, or give a diffusers model folder to fine-tune.");
	}
}
