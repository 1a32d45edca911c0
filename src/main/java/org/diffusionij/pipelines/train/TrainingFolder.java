package org.diffusionij.pipelines.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.io.ModelFolderWriter;
import org.diffusionij.io.safetensors.SafetensorsReader;
import org.diffusionij.io.safetensors.SafetensorsWriter;
import org.diffusionij.pipelines.NoiseRecord;
import org.diffusionij.pipelines.Normalization;
import org.diffusionij.pipelines.UnconditionalModel;

/**
 * A training run's output folder: a diffusers {@code DDPMPipeline} folder whose {@code unet} holds the EMA
 * weights (loadable with {@code UNet2DModel.from_pretrained(folder, subfolder="unet")}), plus
 * {@value UnconditionalModel#NORMALIZATION} (how images were mapped to the network's range, for Denoise Image),
 * {@code README.md} (the model card) and the training state for Resume: {@code training_state.safetensors}
 * (current weights and AdamW moments, exact float32) and {@code training_state.json} (step, settings,
 * losses, time). Every checkpoint replaces the folder atomically.
 */
public final class TrainingFolder {

	public static final String STATE_TENSORS = "training_state.safetensors";
	public static final String STATE_JSON = "training_state.json";

	/** What a checkpoint holds, as read back for Resume. */
	public static final class Saved {
		public long step;
		public double seconds;
		public TrainingSettings settings;
		public TrainingHistory history;
		public JsonObject unetConfig, schedulerConfig, data;
		public Normalization normalization;
		public Map<String, NDArray> weights = new LinkedHashMap<>(), ema, optimizer = new LinkedHashMap<>();
		/** Noisy data: the best weights so far, their step and validation estimate; else null and −1. */
		public Map<String, NDArray> best;
		public long bestStep = -1;
		public double bestValue = Double.POSITIVE_INFINITY;
	}

	private TrainingFolder() {}

	/**
	 * Writes a checkpoint of {@code trainer}.
	 *
	 * @param data a description of the training data (JSON: source, planes, size…) for the model card
	 */
	public static void save(Path folder, Trainer trainer, JsonObject unetConfig, Normalization normalization,
		JsonObject data, double seconds) throws IOException
	{
		JsonObject state = new JsonObject();
		state.addProperty("step", trainer.step());
		state.addProperty("seconds", seconds);
		state.add("settings", trainer.settings().toJson());
		state.add("history", trainer.history().toJson());
		state.add("data", data);
		if (trainer.noiseAware()) {
			state.addProperty("best_step", trainer.bestStep());
			state.addProperty("best_value", trainer.bestValue());
		}
		ModelFolderWriter writer = new ModelFolderWriter("DDPMPipeline")
			.model("unet", unetConfig, trainer.modelWeights())
			.scheduler("scheduler", trainer.noiseScheduler().config())
			.file(UnconditionalModel.NORMALIZATION, f -> ConfigJson.write(normalization.toJson(), f))
			.file(STATE_JSON, f -> ConfigJson.write(state, f))
			.file(STATE_TENSORS, f -> {
				SafetensorsWriter w = new SafetensorsWriter();
				trainer.weights().forEach((k, a) -> w.add("weights." + k, a));
				trainer.emaWeights().forEach((k, a) -> w.add("ema." + k, a));
				if (trainer.noiseAware()) trainer.modelWeights().forEach((k, a) -> w.add("best." + k, a));
				trainer.optimizerState().forEach(w::add);
				w.write(f);
			})
			.file("README.md", f -> Files.write(f, ModelCard.text(trainer, unetConfig, data, seconds)
				.getBytes(StandardCharsets.UTF_8)));
		NoiseRecord noise = trainer.settings().noiseRecord(trainer.modelEstimator());
		if (noise != null) writer.file(NoiseRecord.FILE, f -> ConfigJson.write(noise.toJson(), f));
		writer.save(folder);
	}

	/** True when {@code folder} holds a checkpoint that Resume can continue. */
	public static boolean hasState(Path folder) {
		return Files.isRegularFile(folder.resolve(STATE_JSON)) && Files.isRegularFile(folder.resolve(STATE_TENSORS));
	}

	/** Reads a checkpoint for Resume; arrays are created in {@code manager}. */
	public static Saved load(Path folder, NDManager manager) throws IOException {
		if (!hasState(folder)) {
			throw new IOException(folder + " has no training state (" + STATE_JSON + "); it cannot be resumed. " +
				"Use it as init to fine-tune instead.");
		}
		Saved s = new Saved();
		JsonObject state = ConfigJson.load(folder.resolve(STATE_JSON)).json();
		s.step = state.get("step").getAsLong();
		s.seconds = state.get("seconds").getAsDouble();
		s.settings = TrainingSettings.fromJson(state.getAsJsonObject("settings"));
		s.history = TrainingHistory.fromJson(state.getAsJsonObject("history"));
		s.data = state.getAsJsonObject("data");
		UnconditionalModel model = UnconditionalModel.open(folder);
		s.unetConfig = model.unetConfig();
		s.schedulerConfig = model.schedulerConfig();
		s.normalization = model.normalization();
		Map<String, NDArray> ema = new LinkedHashMap<>(), best = new LinkedHashMap<>();
		try (SafetensorsReader r = SafetensorsReader.open(folder.resolve(STATE_TENSORS))) {
			for (String name : r.tensors().keySet()) {
				NDArray a = r.array(name, manager);
				if (name.startsWith("weights.")) s.weights.put(name.substring(8), a);
				else if (name.startsWith("ema.")) ema.put(name.substring(4), a);
				else if (name.startsWith("best.")) best.put(name.substring(5), a);
				else s.optimizer.put(name, a);
			}
		}
		// checkpoints written before the EMA weights had their own copy keep them only as the model
		s.ema = ema.isEmpty() ? new LinkedHashMap<>(model.unetWeights(manager)) : ema;
		if (!best.isEmpty()) {
			s.best = best;
			s.bestStep = state.get("best_step").getAsLong();
			s.bestValue = state.get("best_value").getAsDouble();
		}
		return s;
	}
}
