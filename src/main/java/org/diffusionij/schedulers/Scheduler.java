package org.diffusionij.schedulers;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.diffusionij.engine.NoiseSource;

/**
 * A diffusion scheduler with diffusers' contract ({@code SchedulerMixin}): {@link #setTimesteps} chooses the
 * inference timesteps, a pipeline scales each input with {@link #scaleModelInput}, calls the network and
 * hands its output to {@link #step}; training uses {@link #addNoise} and {@link #getVelocity}. Each
 * implementation is the same function as the diffusers class of the same name, so a diffusers folder's
 * {@code scheduler_config.json} behaves here as it does in Python.
 * <p>
 * Timesteps are {@code float}: integral for DDPM, DDIM, PNDM and DPM-Solver, fractional for Euler with Karras
 * sigmas, exactly the values diffusers' {@code scheduler.timesteps} holds.
 * <p>
 * Memory: {@link #step} puts its results and temporaries in the manager of {@code modelOutput} (a loop's
 * per-step manager) and leaves nothing in the sample's; {@link #scaleModelInput} returns the sample itself or
 * a new array in the sample's manager, which a loop closes when it differs ({@code if (in != x) in.close()}).
 * Multistep schedulers keep arrays between steps until the next {@link #setTimesteps} or {@link #close()}.
 */
public interface Scheduler extends AutoCloseable {

	/** The diffusers class name, as {@code _class_name} in {@code scheduler_config.json}. */
	String className();

	/** The config keys of this class with the values in use, as diffusers' {@code save_config} writes them. */
	JsonObject config();

	/** betas, alphas and {@code alphas_cumprod} (ᾱ<sub>t</sub>) of the training schedule. */
	BetaSchedule schedule();

	/** Chooses {@code numInferenceSteps} timesteps (diffusers' {@code set_timesteps}) and resets step state. */
	void setTimesteps(int numInferenceSteps);

	/** The timesteps a pipeline iterates over, in order (a copy). */
	float[] timesteps();

	/** What the network predicts ({@code prediction_type}). */
	PredictionType predictionType();

	/** The standard deviation of the initial noise ({@code init_noise_sigma}). */
	float initNoiseSigma();

	/** The network input for {@code sample} at {@code timestep} ({@code scale_model_input}). */
	NDArray scaleModelInput(NDArray sample, float timestep);

	/**
	 * One reverse step from {@code timestep}: the sample at the previous timestep (and x̂₀ where diffusers
	 * returns it). Noise is drawn from {@code noise} exactly where diffusers draws it.
	 */
	SchedulerOutput step(NDArray modelOutput, float timestep, NDArray sample, NoiseSource noise);

	/**
	 * The forward process q(x<sub>t</sub> | x₀): √ᾱ<sub>t</sub> x₀ + √(1−ᾱ<sub>t</sub>) ε, one timestep per
	 * batch element (or one for all), as DDPM/DDIM/PNDM's {@code add_noise}.
	 */
	default NDArray addNoise(NDArray originalSamples, NDArray noise, float[] timesteps) {
		float[] acp = schedule().alphasCumprod();
		float[] a = new float[timesteps.length], b = new float[timesteps.length];
		for (int i = 0; i < timesteps.length; i++) {
			float ac = acp[StepMath.trainIndex(timesteps[i], acp.length)];
			a[i] = (float) Math.sqrt(ac);
			b[i] = (float) Math.sqrt(1f - ac);
		}
		return StepMath.combine(originalSamples, a, noise, b);
	}

	/**
	 * The v-prediction target √ᾱ<sub>t</sub> ε − √(1−ᾱ<sub>t</sub>) x₀ ({@code get_velocity}); PNDM and
	 * DPM-Solver, which lack the method in diffusers, get DDPM's.
	 */
	default NDArray getVelocity(NDArray sample, NDArray noise, float[] timesteps) {
		float[] acp = schedule().alphasCumprod();
		float[] a = new float[timesteps.length], b = new float[timesteps.length];
		for (int i = 0; i < timesteps.length; i++) {
			float ac = acp[StepMath.trainIndex(timesteps[i], acp.length)];
			a[i] = (float) Math.sqrt(ac);
			b[i] = -(float) Math.sqrt(1f - ac);
		}
		return StepMath.combine(noise, a, sample, b);
	}

	/**
	 * Makes the first {@link #step} start at this index of {@link #timesteps()} (diffusers'
	 * {@code set_begin_index}, which img2img calls); only schedulers that count their steps (Euler,
	 * DPM-Solver) need it, the others find their place from the timestep.
	 */
	default void setBeginIndex(int beginIndex) {}

	/** Releases arrays kept between steps; stateless schedulers hold none. */
	@Override
	default void close() {}
}
