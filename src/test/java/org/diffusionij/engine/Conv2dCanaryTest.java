package org.diffusionij.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conv2d canary and the measured guard. The test JVM has role training (the pom sets it), so its
 * convolutions must give correct forward results and gradients whatever the CPU: this is CI's gradient-correctness
 * test. Unguarded, the input-gradient cases fail on CPUs affected by the libtorch 2.7 defect (observed on the
 * project's AMD EPYC build machine: batch 2 and 4 with few out-channels).
 */
class Conv2dCanaryTest {

	@Test
	void conv2dForwardAndGradientsMatchTheReference() {
		assertEquals(OneDnnGuard.Role.TRAINING, OneDnnGuard.Role.current(), "the pom gives tests the training role");
		List<String> failures = Conv2dCanary.mismatches();
		assertTrue(failures.isEmpty(), "oneDNN guard " + OneDnnGuard.describe() + ": " + String.join("\n", failures));
	}

	/** A fresh training-role JVM without any user setting, as the training worker starts: all cases right. */
	@Test
	void freshTrainingJvmGetsCorrectGradients() throws IOException, InterruptedException {
		String out = canaryJvm("training");
		assertTrue(out.contains("conv2d canary: all cases correct"), out);
	}

	/** A fresh inference-role JVM, as Fiji starts: the forward pass is right (guarded or not, as measured). */
	@Test
	void freshInferenceJvmGetsCorrectForwardResults() throws IOException, InterruptedException {
		String out = canaryJvm("inference");
		assertTrue(out.contains(Conv2dCanary.VERDICT + " forward=ok"), out);
	}

	private static String canaryJvm(String role) throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-D" +
			OneDnnGuard.ROLE_PROPERTY + "=" + role, "-cp", System.getProperty("java.class.path"), Conv2dCanary.class
				.getName()).redirectErrorStream(true);
		builder.environment().remove(OneDnnGuard.VARIABLE);
		builder.environment().remove(OneDnnGuard.ENV);
		Process process = builder.start();
		String output;
		try (InputStream in = process.getInputStream()) {
			output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		assertTrue(process.waitFor(300, TimeUnit.SECONDS), "canary JVM did not finish");
		return output;
	}

	@Test
	void guardCoversWhatEachRoleNeeds() {
		CanaryVerdict gradients = new CanaryVerdict("k", "d", false, true, false, false, "");
		assertFalse(OneDnnGuard.needed(OneDnnGuard.Role.INFERENCE, gradients));
		assertTrue(OneDnnGuard.needed(OneDnnGuard.Role.TRAINING, gradients));
		CanaryVerdict forward = new CanaryVerdict("k", "d", true, false, false, null, "");
		assertTrue(OneDnnGuard.needed(OneDnnGuard.Role.INFERENCE, forward));
		CanaryVerdict clean = new CanaryVerdict("k", "d", false, false, false, null, "");
		assertFalse(OneDnnGuard.needed(OneDnnGuard.Role.TRAINING, clean));
		CanaryVerdict crashed = new CanaryVerdict("k", "d", false, false, true, null, "exit status 134");
		assertTrue(OneDnnGuard.needed(OneDnnGuard.Role.INFERENCE, crashed), "a crashed canary trusts nothing");
	}

	@Test
	void verdictIsCachedUnderItsKey(@TempDir Path home) {
		new CanaryVerdict("cpu=A; libtorch=2.7.1", "2025-01-01 10:00", false, true, false, false, "batch 2").write(home);
		assertTrue(Files.isRegularFile(home.resolve(CanaryVerdict.FILE)));
		CanaryVerdict back = CanaryVerdict.read(home, "cpu=A; libtorch=2.7.1");
		assertNotNull(back);
		assertFalse(back.forwardWrong);
		assertTrue(back.gradientsWrong);
		assertEquals(Boolean.FALSE, back.guardedGradientsWrong);
		assertEquals("2025-01-01 10:00", back.date);
		assertNull(CanaryVerdict.read(home, "cpu=A; libtorch=2.8.0"), "a new libtorch runs the canary again");
	}

	@Test
	void keyNamesCpuFlagsLibtorchAndPlugin() {
		String key = CanaryVerdict.currentKey();
		for (String part : new String[] { "cpu=", "flags=", "libtorch=2.7.1", "plugin=" }) {
			assertTrue(key.contains(part), key);
		}
	}

	@Test
	void childOutputWithoutVerdictIsACrash() {
		CanaryRun.Outcome o = new CanaryRun.Outcome();
		CanaryRun.parse("#\n# A fatal error has been detected by the Java Runtime Environment\n", 134, o);
		assertTrue(o.crashed);
		CanaryRun.Outcome ok = new CanaryRun.Outcome();
		CanaryRun.parse("MISMATCH batch 2\n" + Conv2dCanary.VERDICT + " forward=ok input_gradient=wrong " +
			"weight_gradient=ok libtorch=2.7.1\n", 1, ok);
		assertFalse(ok.crashed);
		assertFalse(ok.forwardWrong);
		assertTrue(ok.gradientsWrong);
		assertEquals("batch 2", ok.details);
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

	@Test
	void strideTwoReferencePicksEveryOtherWindow() {
		// 1x1x3x3 input 1..9, 1x1 kernel of 2, stride 2: the outputs are 2 * the corners
		float[] x = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
		Conv2dReference ref = new Conv2dReference(x, new float[] { 2 }, new float[] { 0 }, new float[] { 1, 1, 1, 1 },
			1, 1, 3, 3, 1, 1, 0, 2);
		assertArrayEquals(new double[] { 2, 6, 14, 18 }, ref.out, 1e-12);
		assertArrayEquals(new double[] { 2, 0, 2, 0, 0, 0, 2, 0, 2 }, ref.inputGradient, 1e-12);
		assertArrayEquals(new double[] { 1 + 3 + 7 + 9 }, ref.weightGradient, 1e-12);
	}
}
