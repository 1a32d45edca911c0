package org.diffusionij.io;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.diffusionij.io.safetensors.SafetensorsWriter;

/**
 * Saves a diffusers pipeline folder that diffusers' {@code from_pretrained} loads unchanged: {@code
 * model_index.json}, and per component its config ({@code config.json} for models, {@code
 * scheduler_config.json} for schedulers, with {@code _class_name} and {@code _diffusers_version} as diffusers'
 * {@code save_config} writes them) and its weights in {@code diffusion_pytorch_model.safetensors} with the
 * metadata {@code {"format": "pt"}}. The whole folder is built in a temporary sibling and moved into place
 * ({@link FolderSwap}), so a failed or interrupted save leaves the previous model untouched.
 */
public final class ModelFolderWriter {

	/** The diffusers version whose file layout this writer follows (that of the reference fixtures). */
	public static final String DIFFUSERS_VERSION = "0.40.0.dev0";

	static final String WEIGHTS_NAME = WeightFiles.STEMS[0] + ".safetensors";

	/** Keys diffusers' {@code to_json_string} never writes. */
	private static final String[] NOT_SAVED = { "_ignore_files", "_use_default_values", "_name_or_path",
		"_pre_quantization_dtype" };

	/** Writes one component into its folder when {@link #save} runs. */
	private interface Part {
		void write(Path componentDir) throws IOException;
	}

	/** Writes one extra file of the folder. */
	public interface FileContent {
		void write(Path file) throws IOException;
	}

	private final String pipelineClass;
	private final Map<String, FileContent> files = new java.util.LinkedHashMap<>();
	private final List<String> names = new ArrayList<>();
	private final List<String[]> classes = new ArrayList<>();
	private final List<Part> parts = new ArrayList<>();

	/** A writer for a pipeline of class {@code pipelineClass}, for example {@code DDPMPipeline}. */
	public ModelFolderWriter(String pipelineClass) {
		this.pipelineClass = pipelineClass;
	}

	/**
	 * A model component (for example {@code unet}): its config (with {@code _class_name}, such as
	 * {@code UNet2DModel}) and its weights by diffusers' names. Arrays must stay open until {@link #save}.
	 */
	public ModelFolderWriter model(String name, JsonObject config, Map<String, NDArray> weights) {
		JsonObject saved = saveable(config, name);
		return add(name, "diffusers", className(saved), dir -> {
			ConfigJson.write(saved, dir.resolve(DiffusersComponent.CONFIG_NAMES[0]));
			SafetensorsWriter w = new SafetensorsWriter().metadata(SafetensorsWriter.diffusersMetadata());
			for (Map.Entry<String, NDArray> e : weights.entrySet()) w.add(e.getKey(), e.getValue());
			w.write(dir.resolve(WEIGHTS_NAME));
		});
	}

	/** {@link #model(String, JsonObject, Map)} with a config as read from a folder. */
	public ModelFolderWriter model(String name, ConfigJson config, Map<String, NDArray> weights) {
		return model(name, config.json(), weights);
	}

	/** {@link #scheduler(String, JsonObject)} with a config as read from a folder. */
	public ModelFolderWriter scheduler(String name, ConfigJson config) {
		return scheduler(name, config.json());
	}

	/** A scheduler component: its config (with {@code _class_name}, such as {@code DDPMScheduler}). */
	public ModelFolderWriter scheduler(String name, JsonObject config) {
		JsonObject saved = saveable(config, name);
		return add(name, "diffusers", className(saved), dir -> ConfigJson.write(saved, dir.resolve(
			DiffusersComponent.CONFIG_NAMES[1])));
	}

	/**
	 * A component copied file by file from an existing folder (a tokenizer or text encoder that training left
	 * unchanged), listed in the index as {@code [library, className]}.
	 */
	public ModelFolderWriter copy(String name, String library, String className, Path source) {
		return add(name, library, className, dir -> {
			try (Stream<Path> s = Files.list(source)) {
				for (Path f : s.filter(Files::isRegularFile).collect(Collectors.toList())) {
					Files.copy(f, dir.resolve(f.getFileName().toString()));
				}
			}
		});
	}

	/**
	 * An extra file at the top level of the folder, beside the components: a model card ({@code README.md}),
	 * the normalisation a model was trained with, or a training state. diffusers ignores such files.
	 */
	public ModelFolderWriter file(String fileName, FileContent content) {
		if (fileName.contains("/") || fileName.contains("\\") || fileName.startsWith(".") ||
			fileName.equals(ModelIndex.FILE_NAME) || files.containsKey(fileName))
		{
			throw new IllegalArgumentException("Invalid or repeated file name '" + fileName + "'");
		}
		files.put(fileName, content);
		return this;
	}

	/** Writes the folder at {@code target}, replacing a previous one only once the new one is complete. */
	public void save(Path target) throws IOException {
		FolderSwap.write(target, folder -> {
			JsonObject index = new JsonObject();
			index.addProperty("_class_name", pipelineClass);
			index.addProperty("_diffusers_version", DIFFUSERS_VERSION);
			for (int i = 0; i < names.size(); i++) {
				JsonArray c = new JsonArray();
				c.add(classes.get(i)[0]);
				c.add(classes.get(i)[1]);
				index.add(names.get(i), c);
			}
			ConfigJson.write(index, folder.resolve(ModelIndex.FILE_NAME));
			for (int i = 0; i < names.size(); i++) {
				Path dir = Files.createDirectory(folder.resolve(names.get(i)));
				parts.get(i).write(dir);
			}
			for (Map.Entry<String, FileContent> f : files.entrySet()) f.getValue().write(folder.resolve(f.getKey()));
		});
	}

	/**
	 * Tidies up after a save of {@code target} that a dead process left unfinished (SIGKILL, a crash): deletes the
	 * half-written temporary folder beside it and, should the end have come between the two renames of the swap,
	 * puts the previous folder back. Only for a target that no live process is saving.
	 *
	 * @return whether anything was left to tidy
	 */
	public static boolean recoverUnfinishedSave(Path target) throws IOException {
		return FolderSwap.recover(target);
	}

	private ModelFolderWriter add(String name, String library, String className, Part part) {
		if (names.contains(name) || name.isEmpty() || name.startsWith("_") || name.startsWith(".") || name.contains(
			"/") || name.contains("\\"))
		{
			throw new IllegalArgumentException("Invalid or repeated component name '" + name + "'");
		}
		names.add(name);
		classes.add(new String[] { library, className });
		parts.add(part);
		return this;
	}

	private static String className(JsonObject config) {
		return config.get("_class_name").getAsString();
	}

	/** A copy of {@code config} with the bookkeeping keys diffusers writes, and without those it drops. */
	private static JsonObject saveable(JsonObject config, String name) {
		if (!config.has("_class_name") || !config.get("_class_name").isJsonPrimitive()) {
			throw new IllegalArgumentException("The config of component '" + name + "' needs a _class_name");
		}
		JsonObject out = config.deepCopy();
		for (String k : NOT_SAVED) out.remove(k);
		out.addProperty("_diffusers_version", DIFFUSERS_VERSION);
		return out;
	}
}
