package org.diffusionij.pipelines.sd;

import ai.djl.ndarray.NDArray;
import org.diffusionij.engine.Generator;

/** The request diffusers' tiny-pipeline fixtures were made with. */
public final class TinyFixtureRequest {

	private TinyFixtureRequest() {}

	/** Their prompt, 64×64, 5 steps, guidance 7.5, starting from {@code latents} (or null: from the generator, seeded 0 here). */
	public static GenerationRequest of(NDArray latents) {
		GenerationRequest r = new GenerationRequest();
		r.prompt = "A painting of a squirrel eating a burger";
		r.width = r.height = 64;
		r.steps = 5;
		r.guidance = 7.5;
		r.latents = latents;
		r.generator = Generator.manualSeed(0);
		return r;
	}
}
