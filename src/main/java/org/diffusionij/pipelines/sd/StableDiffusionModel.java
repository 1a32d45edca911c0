package org.diffusionij.pipelines.sd;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.diffusionij.io.clip.ClipTokenizer;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.io.DiffusersFolder;
import org.diffusionij.nn.AutoencoderKL;
import org.diffusionij.nn.UNet2DConditionModel;
import org.diffusionij.nn.clip.CLIPTextModel;
import org.diffusionij.schedulers.Scheduler;
import org.diffusionij.schedulers.Schedulers;

/**
 * A Stable Diffusion 1.x/2.x folder as downloaded from the Hub ({@code model_index.json}, {@code tokenizer/},
 * {@code text_encoder/}, {@code unet/}, {@code vae/}, {@code scheduler/}), loaded into memory. A missing part
 * or an unsupported class is named with the file and what to do; config keys the networks do not read are
 * collected in {@link #unusedConfigKeys()} so the command can report them.
 */
public final class StableDiffusionModel implements AutoCloseable {

	public final Path folder;
	public final ClipTokenizer tokenizer;
	public final CLIPTextModel textEncoder;
	public final UNet2DConditionModel unet;
	public final AutoencoderKL vae;
	public final ConfigJson schedulerConfig;
	private final List<String> unused = new ArrayList<>();

	private StableDiffusionModel(Path folder, ClipTokenizer tokenizer, CLIPTextModel textEncoder,
		UNet2DConditionModel unet, AutoencoderKL vae, ConfigJson schedulerConfig)
	{
		this.folder = folder;
		this.tokenizer = tokenizer;
		this.textEncoder = textEncoder;
		this.unet = unet;
		this.vae = vae;
		this.schedulerConfig = schedulerConfig;
		unet.unusedConfigKeys().forEach(k -> unused.add("unet/config.json: " + k));
		vae.unusedConfigKeys().forEach(k -> unused.add("vae/config.json: " + k));
		textEncoder.config().unusedKeys().forEach(k -> unused.add("text_encoder/config.json: " + k));
	}

	/** Loads every part of the folder in float32 into {@code manager}. */
	public static StableDiffusionModel load(Path folder, NDManager manager) throws IOException {
		return load(folder, manager, DataType.FLOAT32);
	}

	/**
	 * Loads every part of the folder into {@code manager} with weights and computation in {@code dtype}: float32,
	 * or float16 (half the weight memory; fast on GPUs). Schedulers, inputs and outputs stay float32 either way.
	 */
	public static StableDiffusionModel load(Path folder, NDManager manager, DataType dtype) throws IOException {
		DiffusersFolder f = DiffusersFolder.open(folder);
		String pipeline = f.pipelineClass();
		if (pipeline != null && !pipeline.startsWith("StableDiffusion")) {
			throw new IOException(folder + " holds a " + pipeline + ", not a Stable Diffusion pipeline " +
				"(model_index.json). Choose a Stable Diffusion 1.x or 2.x folder.");
		}
		for (String part : new String[] { "tokenizer", "text_encoder", "unet", "vae", "scheduler" }) {
			if (!f.has(part) || !Files.isDirectory(folder.resolve(part))) {
				throw new IOException(folder + " has no " + part + "/ folder; a Stable Diffusion folder needs " +
					"tokenizer/, text_encoder/, unet/, vae/ and scheduler/ (download the whole folder again).");
			}
		}
		ClipTokenizer tokenizer = ClipTokenizer.load(folder.resolve("tokenizer"));
		CLIPTextModel text = CLIPTextModel.load(folder.resolve("text_encoder"), manager, dtype);
		UNet2DConditionModel unet = new UNet2DConditionModel(f.component("unet").config());
		unet.load(f.component("unet").loadWeights(manager));
		unet.convertTo(dtype);
		AutoencoderKL vae = new AutoencoderKL(f.component("vae").config());
		vae.load(f.component("vae").loadWeights(manager));
		vae.convertTo(dtype);
		ConfigJson scheduler = f.component("scheduler").config();
		return new StableDiffusionModel(folder, tokenizer, text, unet, vae, scheduler);
	}

	/** The folder's own scheduler, or {@code className} built from its config as diffusers' from_config does. */
	public Scheduler scheduler(String className) {
		return Schedulers.create(className, schedulerConfig, null);
	}

	/** As {@link #scheduler(String)}, with {@code overrides} (or null) replacing keys of the folder's config. */
	public Scheduler scheduler(String className, JsonObject overrides) {
		return Schedulers.create(className, schedulerConfig, overrides);
	}

	/** Config keys of the networks that this implementation does not read ("file: key"). */
	public List<String> unusedConfigKeys() {
		return unused;
	}

	/** The image size the UNet was trained for (sample_size × VAE downscale). */
	public int nativeSize() {
		return unet.config().sampleSize * vae.downscaleFactor();
	}

	@Override
	public void close() {
		tokenizer.close();
		textEncoder.close();
	}
}
