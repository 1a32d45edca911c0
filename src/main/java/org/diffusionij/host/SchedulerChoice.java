package org.diffusionij.host;

import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.diffusionij.pipelines.sd.GenerationRequest;
import org.diffusionij.schedulers.DDIMScheduler;
import org.diffusionij.schedulers.DDPMScheduler;
import org.diffusionij.schedulers.DPMSolverMultistepScheduler;
import org.diffusionij.schedulers.EulerDiscreteScheduler;
import org.diffusionij.schedulers.PNDMScheduler;

/**
 * The scheduler names of the {@code scheduler=} macro key and the diffusers classes (with config overrides)
 * they stand for: {@code EulerKarras} is {@code EulerDiscreteScheduler.from_config(config,
 * use_karras_sigmas=True)}; {@code default} keeps the model folder's own scheduler. The commands of UNet2DModel
 * folders (Generate Samples, Show Diffusion Process) also offer {@code DDPM}.
 */
public final class SchedulerChoice {

	public static final String DEFAULT = "default";

	/** The values of the macro key, the default first. */
	public static final List<String> NAMES = Collections.unmodifiableList(Arrays.asList(DEFAULT, "PNDM", "Euler",
		"EulerKarras", "DDIM", "DPMSolverMultistep"));

	private SchedulerChoice() {}

	/**
	 * The diffusers class of {@code name} ({@code DDPM} and the values of {@link #NAMES}), or null for
	 * {@value #DEFAULT}: the folder's own.
	 *
	 * @throws IllegalArgumentException for an unknown name
	 */
	public static String className(String name) {
		switch (name) {
			case DEFAULT:
				return null;
			case "DDPM":
				return DDPMScheduler.CLASS_NAME;
			case "PNDM":
				return PNDMScheduler.CLASS_NAME;
			case "Euler":
			case "EulerKarras":
				return EulerDiscreteScheduler.CLASS_NAME;
			case "DDIM":
				return DDIMScheduler.CLASS_NAME;
			case "DPMSolverMultistep":
				return DPMSolverMultistepScheduler.CLASS_NAME;
			default:
				throw new IllegalArgumentException("Unknown scheduler '" + name + "'; use one of " + NAMES + ".");
		}
	}

	/** The config keys {@code name} overrides ({@code use_karras_sigmas} for Euler), or null for none. */
	public static JsonObject overrides(String name) {
		if (!name.equals("Euler") && !name.equals("EulerKarras")) return null;
		JsonObject o = new JsonObject();
		o.addProperty("use_karras_sigmas", name.equals("EulerKarras"));
		return o;
	}

	/** Sets the request's scheduler class and overrides for {@code name}. */
	public static void apply(String name, GenerationRequest r) {
		r.scheduler = className(name);
		r.schedulerOverrides = overrides(name);
	}
}
