package org.diffusionij.schedulers;

import static org.diffusionij.Fixtures.assertMatches;
import static org.diffusionij.Fixtures.maxAbsDiff;
import static org.diffusionij.schedulers.SchedulerFixture.*;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.diffusionij.engine.DiffusionEngine;
import org.diffusionij.engine.NoiseSource;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.io.safetensors.SafetensorsReader;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every scheduler against the tensors diffusers itself produced: betas, {@code alphas_cumprod} and sigmas bit
 * for bit, timesteps exactly (fractional Karras ones within 4 ulps), the initial noise scale, and ten
 * {@code step()} outputs chained as a pipeline chains them (each step on the previous result, each in its own
 * manager), within 1e-4, twice over. Recorded noise is fed where diffusers drew it, and each draw is counted.
 */
class SchedulerReferenceTest {

	private static final float TOL = 1e-4f;

	@TestFactory
	Stream<DynamicTest> matchesDiffusers() {
		return Stream.of("ddpm", "ddpm_vpred_trailing", "ddim", "ddim_vpred_trailing", "pndm", "euler",
			"euler_karras", "dpmpp2m", "dpmpp2m_karras", "dpmpp2m_vpred_trailing").map(name -> DynamicTest
				.dynamicTest(name, () -> check("scheduler_" + name)));
	}

	@TestFactory
	Stream<DynamicTest> ddimWithEta() {
		return Stream.of(DynamicTest.dynamicTest("ddim_eta0.5", () -> check("scheduler_ddim_eta0.5")));
	}

	private static void check(String file) throws Exception {
		DiffusionEngine.start();
		try (SafetensorsReader r = open(file); NDManager outer = NDManager.newBaseManager(Device.cpu())) {
			JsonObject meta = meta(r);
			String className = meta.has("class") ? meta.get("class").getAsString() : DDIMScheduler.CLASS_NAME;
			ConfigJson config = config(r, className);
			try (Scheduler s = Schedulers.fromConfig(config)) {
				assertEquals(new ArrayList<String>(), config.unusedKeys(), "unsupported keys");
				assertEquals(className, s.className());
				if (meta.has("eta")) ((DDIMScheduler) s).setEta(meta.get("eta").getAsFloat());
				if (r.has("betas")) {
					assertTrue(maxAbsDiff(s.schedule().betas(), r.floats("betas")) == 0, "betas");
					assertTrue(maxAbsDiff(s.schedule().alphasCumprod(), r.floats("alphas_cumprod")) == 0,
						"alphas_cumprod");
				}
				// twice: setTimesteps must reset the multistep state of the first run
				for (int run = 0; run < 2; run++) {
					float[] t = setTimesteps(r, meta, s);
					NDArray x = r.array("initial_sample", outer);
					for (int i = 0; i < t.length; i++) x = step(r, s, i, t[i], x, outer);
				}
			}
		}
	}

	private static float[] setTimesteps(SafetensorsReader r, JsonObject meta, Scheduler s) throws Exception {
		s.setTimesteps(10);
		float[] t = s.timesteps();
		if (r.info("timesteps").dtype.isFloating()) {
			// fractional Karras timesteps come from float32 logs, which numpy computes with SIMD
			// approximations that differ by an ulp or two between CPUs, and the interpolation amplifies
			// that a little: allow 4 ulps (a relative 5e-7) where the value is not an integer
			float[] expected = r.floats("timesteps");
			assertEquals(expected.length, t.length, "number of timesteps");
			for (int i = 0; i < t.length; i++) {
				float tol = expected[i] == Math.rint(expected[i]) ? 0 : 4 * Math.ulp(expected[i]);
				assertEquals(expected[i], t[i], tol, "timestep " + i);
			}
		}
		else {
			long[] expected = r.longs("timesteps");
			assertEquals(expected.length, t.length, "number of timesteps");
			for (int i = 0; i < t.length; i++) assertEquals(expected[i], t[i], "timestep " + i);
		}
		if (r.has("sigmas")) {
			float[] sigmas = s instanceof EulerDiscreteScheduler ? ((EulerDiscreteScheduler) s).sigmas()
				: ((DPMSolverMultistepScheduler) s).sigmas();
			assertArrayEquals(r.floats("sigmas"), sigmas, "sigmas");
		}
		if (meta.has("init_noise_sigma")) {
			assertEquals(meta.get("init_noise_sigma").getAsFloat(), s.initNoiseSigma(), 1e-6f);
		}
		return t;
	}

	/**
	 * Step i in its own manager, as a pipeline runs it, while the sample lives in {@code outer}: the step must
	 * leave nothing behind in the sample's manager; the new sample is then kept in {@code outer}.
	 */
	private static NDArray step(SafetensorsReader r, Scheduler s, int i, float t, NDArray x, NDManager outer)
		throws Exception
	{
		try (NDManager scope = NDManager.newBaseManager(Device.cpu())) {
			NDArray scaled = s.scaleModelInput(x, t);
			if (r.has("scaled_input_" + i)) assertMatches(r, "scaled_input_" + i, scaled, TOL);
			else assertSame(x, scaled, "scale_model_input is the identity here");
			if (scaled != x) scaled.close();
			int arraysBefore = ((BaseNDManager) outer).getManagedArrays().size();
			NDArray modelOutput = r.array("model_output_" + i, scope);
			List<String> draws = new ArrayList<>();
			NoiseSource recorded = (m, shape) -> {
				draws.add("variance_noise_" + i);
				try {
					return r.array("variance_noise_" + i, m);
				}
				catch (Exception e) {
					throw new AssertionError("step " + i + " drew noise where diffusers does not", e);
				}
			};
			SchedulerOutput out = s.step(modelOutput, t, x, recorded);
			assertEquals(arraysBefore, ((BaseNDManager) outer).getManagedArrays().size(), "arrays left in outer");
			boolean expectsDraw = r.has("variance_noise_" + i) && !(s instanceof DDPMScheduler && t == 0);
			assertEquals(expectsDraw ? 1 : 0, draws.size(), "noise draws at step " + i);
			assertMatches(r, "prev_sample_" + i, out.prevSample, TOL);
			if (r.has("pred_original_sample_" + i)) {
				assertMatches(r, "pred_original_sample_" + i, out.predOriginalSample, TOL);
			}
			out.prevSample.attach(outer);
			return out.prevSample;
		}
	}
}
