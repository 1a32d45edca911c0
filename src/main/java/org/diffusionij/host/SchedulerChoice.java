package org.diffusionij.host;

import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.diffusionij.pipelines.sd.GenerationRequest;
import org.diffusionij.schedulers.DDIMScheduler;
import org.diffusionij.schedulers.DPMSolverMultistepScheduler;
import org.diffusionij.schedulers.EulerDiscreteScheduler;
import org.diffusionij.schedulers.PNDMScheduler;

/**
 * The scheduler names of the {@code scheduler=} macro key and the diffusers classes (with config overrides)
 * they stand for: {@code EulerKarras} is {@code EulerDiscreteScheduler.from_config(config,
 * use_karras_sigmas=True)}; {@code default} keeps the model folder's own scheduler.
 */
public final class SchedulerChoice {

	public static final String DEFAULT = "default";

	/** The values of the macro key, the default first. */
	public static final List<String> NAMES = Collections.unmodifiableList(Arrays.asList(DEFAULT, "PNDM", "Euler",
		"EulerKarras", "DDIM", "DPMSolverMultistep"));

	private SchedulerChoice() {}

	/** Sets the request's scheduler class and overrides for {@code name}. */
	public static void apply(String name, GenerationRequest r) {
		r.schedulerOverrides = null;
		switch (name) {
			case DEFAULT:
				r.scheduler = null;
				break;
			case "PNDM":
				r.scheduler = PNDMScheduler.CLASS_NAME;
				break;
			case "Euler":
			case "EulerKarras":
				r.scheduler = EulerDiscreteScheduler.CLASS_NAME;
				r.schedulerOverrides = new JsonObject();
				r.schedulerOverrides.addProperty("use_karras_sigmas", name.equals("EulerKarras"));
				break;
			case "DDIM":
				r.scheduler = DDIMScheduler.CLASS_NAME;
				break;
			case "DPMSolverMultistep":
				r.scheduler = DPMSolverMultistepScheduler.CLASS_NAME;
				break;
			default:
				throw new IllegalArgumentException("Unknown scheduler '" + name + "'; use one of " + NAMES + ".");
		}
	}
}
