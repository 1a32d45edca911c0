package org.diffusionij.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.io.DiffusersComponent;
import org.diffusionij.io.DiffusersFolder;
import org.diffusionij.io.ModelCatalog;
import org.diffusionij.nn.UNet2DModel;
import org.diffusionij.schedulers.Scheduler;
import org.diffusionij.schedulers.Schedulers;

/**
 * A diffusers {@code UNet2DModel} pipeline folder ({@code DDPMPipeline}, {@code DDIMPipeline}: a
 * {@code model_index.json}, {@code unet/}, {@code scheduler/}), as the Hub holds them and Train Diffusion on
 * Stack writes them, plus the plugin's {@code normalization.json}: how intensities were mapped to the network's
 * range (diffusers ignores the file). The one place such a folder is read: Denoise Image, Denoise Folder,
 * Generate Samples and training open it here, the counterpart of the Stable Diffusion folder's
 * {@link org.diffusionij.pipelines.sd.StableDiffusionModel}.
 * <p>
 * Opening reads and checks the configs; the weights are read when {@link #unet} or {@link #unetWeights} asks,
 * through the component's weight files (safetensors, shards or variants; pickle refused). Config keys that the
 * built UNet and scheduler did not read are collected in {@link #unusedConfigKeys()}, for the command to name
 * in the Log.
 */
public final class UnconditionalModel {

	/** The intensity record beside {@code model_index.json}. */
	public static final String NORMALIZATION = "normalization.json";

	private static final String UNET = "unet", SCHEDULER = "scheduler", UNET_CLASS = "UNet2DModel";

	private final Path folder;
	private final DiffusersComponent unet;
	private final ConfigJson schedulerConfig;
	private final Normalization normalization;
	private final NoiseRecord noise;
	private final Map<String, Set<String>> unused = new LinkedHashMap<>();

	private UnconditionalModel(Path folder, DiffusersComponent unet, ConfigJson schedulerConfig,
		Normalization normalization, NoiseRecord noise)
	{
		this.folder = folder;
		this.unet = unet;
		this.schedulerConfig = schedulerConfig;
		this.normalization = normalization;
		this.noise = noise;
	}

	/** The folder named by {@code key=nameOrPath} (a folder or a bundled model's name; see {@link ModelCatalog#resolve}). */
	public static UnconditionalModel open(String key, String nameOrPath) throws IOException {
		return open(ModelCatalog.resolve(key, nameOrPath));
	}

	/** Opens a folder and checks that it is a UNet2DModel pipeline with a scheduler. */
	public static UnconditionalModel open(Path folder) throws IOException {
		DiffusersFolder f;
		try {
			f = DiffusersFolder.open(folder);
		}
		catch (IOException e) {
			throw new IOException(e.getMessage() + " A UNet2DModel pipeline folder has model_index.json, " +
				"unet/config.json with the weights, and scheduler/scheduler_config.json.", e);
		}
		String pipeline = f.pipelineClass();
		if (pipeline != null && pipeline.startsWith("StableDiffusion")) {
			throw new IOException(folder + " holds a " + pipeline + " (model_index.json), which Generate from " +
				"Prompt runs; this command takes a UNet2DModel pipeline such as DDPMPipeline (the bundled " +
				ModelCatalog.DEFAULT_DENOISER + ", or a folder made by Train Diffusion on Stack).");
		}
		DiffusersComponent unet = f.component(UNET);
		String unetClass = unet.className();
		if (unetClass != null && !unetClass.equals(UNET_CLASS)) {
			throw new IOException(unet.configFile() + ": _class_name " + unetClass + " is not " + UNET_CLASS +
				"; this command takes a diffusers UNet2DModel pipeline (DDPMPipeline, DDIMPipeline).");
		}
		ConfigJson scheduler = f.component(SCHEDULER).config();
		Path norm = folder.resolve(NORMALIZATION);
		Normalization n = Files.isRegularFile(norm) ? Normalization.fromJson(ConfigJson.load(norm).json())
			: Normalization.percentile();
		Path noiseFile = folder.resolve(NoiseRecord.FILE);
		NoiseRecord noise = Files.isRegularFile(noiseFile) ? NoiseRecord.fromJson(ConfigJson.load(noiseFile).json(),
			noiseFile.toString()) : null;
		return new UnconditionalModel(f.dir(), unet, scheduler, n, noise);
	}

	public Path folder() {
		return folder;
	}

	/** A fresh copy of {@code unet/config.json}. */
	public JsonObject unetConfig() throws IOException {
		return unet.config().json().deepCopy();
	}

	/** A fresh copy of {@code scheduler/scheduler_config.json}. */
	public JsonObject schedulerConfig() {
		return schedulerConfig.json().deepCopy();
	}

	/** The UNet with its weights, in {@code manager}. */
	public UNet2DModel unet(NDManager manager) throws IOException {
		UNet2DModel model = new UNet2DModel(unet.config());
		model.load(unet.loadWeights(manager));
		unused(UNET + "/" + unet.configFile().getFileName(), model.unusedConfigKeys());
		return model;
	}

	/** The UNet's weights by their diffusers names, in {@code manager}. */
	public Map<String, NDArray> unetWeights(NDManager manager) throws IOException {
		return unet.loadWeights(manager);
	}

	/** The folder's own scheduler. */
	public Scheduler scheduler() {
		return scheduler(null, null);
	}

	/**
	 * The folder's scheduler ({@code className} null) or {@code className} built from its config, as
	 * {@code DDIMScheduler.from_config(folder's config)}, with {@code overrides} (or null) replacing its keys.
	 */
	public Scheduler scheduler(String className, JsonObject overrides) {
		Scheduler s = Schedulers.create(className, schedulerConfig, overrides);
		boolean own = className == null || className.equals(schedulerConfig.className());
		if (own && (overrides == null || overrides.size() == 0)) {
			// built from the folder's own config, which now knows which keys the scheduler read
			unused(SCHEDULER + "/" + Paths.get(schedulerConfig.source()).getFileName(), schedulerConfig.unusedKeys());
		}
		return s;
	}

	/**
	 * The config keys that the UNet and scheduler built so far ({@link #unet}, {@link #scheduler}) did not
	 * read, by config file relative to the folder ({@code unet/config.json}, {@code scheduler/scheduler_config.json}):
	 * keys this plugin does not support, for the Log.
	 */
	public Map<String, List<String>> unusedConfigKeys() {
		Map<String, List<String>> out = new LinkedHashMap<>();
		unused.forEach((file, keys) -> {
			if (!keys.isEmpty()) out.put(file, Collections.unmodifiableList(new ArrayList<>(keys)));
		});
		return out;
	}

	private void unused(String file, List<String> keys) {
		unused.computeIfAbsent(file, f -> new LinkedHashSet<>()).addAll(keys);
	}

	/** The folder's intensity mapping; percentile 1 / 99.8 % when it has no {@value #NORMALIZATION}. */
	public Normalization normalization() {
		return normalization;
	}

	/** How the model was trained on noisy data ({@value NoiseRecord#FILE}), or null for a model of clean images. */
	public NoiseRecord noise() {
		return noise;
	}

	/** The folder's name, for titles and the Log. */
	public String name() {
		return String.valueOf(folder.getFileName());
	}
}
