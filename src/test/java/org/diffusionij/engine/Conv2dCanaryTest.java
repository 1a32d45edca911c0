package org.diffusionij.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The conv2d canary under the product's engine settings. Without the oneDNN guard this test fails on AVX-512
 * CPUs affected by the libtorch 2.7 defect (observed on the project's AMD EPYC build machine: input gradients
 * off by 10 to 60 % for batch 4 with 1 or 3 in- and out-channels); with the guard every case matches the
 * double-precision reference.
 */
class Conv2dCanaryTest {

	@Test
	void conv2dForwardAndGradientsMatchTheReference() {
		List<String> failures = Conv2dCanary.mismatches();
		assertTrue(failures.isEmpty(), "oneDNN guard " + OneDnnGuard.state() + ": " + String.join("\n", failures));
	}

	/**
	 * The canary in a fresh JVM whose environment has neither ONEDNN_MAX_CPU_ISA nor the opt-out, as a user's
	 * Fiji starts: the product must protect it by itself, whatever the test JVM inherited.
	 */
	@Test
	void freshJvmIsProtectedWithoutAnyUserSetting() throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-cp", System
			.getProperty("java.class.path"), Conv2dCanary.class.getName()).redirectErrorStream(true);
		builder.environment().remove(OneDnnGuard.VARIABLE);
		builder.environment().remove("DIFFUSIONIJ_ONEDNN_GUARD");
		Process process = builder.start();
		String output;
		try (InputStream in = process.getInputStream()) {
			output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		assertTrue(process.waitFor(120, TimeUnit.SECONDS), "canary JVM did not finish");
		assertEquals(0, process.exitValue(), output);
		assertTrue(output.contains("conv2d canary: all cases correct"), output);
		if (OneDnnGuard.hasWideVectorUnits()) assertTrue(output.contains(OneDnnGuard.State.APPLIED.description), output);
	}

	@Test
	void guardIsOnForAvx2AndAvx512Cpus() {
		DiffusionEngine.start();
		if (!OneDnnGuard.hasWideVectorUnits()) return;
		OneDnnGuard.State state = OneDnnGuard.state();
		assertTrue(state == OneDnnGuard.State.APPLIED || state == OneDnnGuard.State.USER_SETTING,
			"AVX2/AVX-512 CPU but guard " + state);
		assertNotNull(NativeEnv.get(OneDnnGuard.VARIABLE));
	}

	@Test
	void referenceMatchesAHandComputedCase() {
		// 1x1x2x2 input, one 3x3 kernel of ones, padding 1: every output is the sum of the whole input plus bias
		float[] x = { 1, 2, 3, 4 };
		float[] w = new float[9];
		java.util.Arrays.fill(w, 1f);
		float[] g = { 1, 0, 0, 0 };
		Conv2dReference ref = new Conv2dReference(x, w, new float[] { 0.5f }, g, 1, 1, 2, 2, 1, 3, 1);
		assertArrayEquals(new double[] { 10.5, 10.5, 10.5, 10.5 }, ref.out, 1e-12);
		// d out[0,0] / d x = 1 for every input pixel (all in the 3x3 window of output (0,0))
		assertArrayEquals(new double[] { 1, 1, 1, 1 }, ref.inputGradient, 1e-12);
		// d out[0,0] / d w[u][v] = x at (u-1, v-1), zero outside
		assertArrayEquals(new double[] { 0, 0, 0, 0, 1, 2, 0, 3, 4 }, ref.weightGradient, 1e-12);
	}
}
