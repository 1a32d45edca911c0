package org.diffusionij.pipelines.train;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PatchSamplerTest {

	private static PatchSampler.Plane ramp(int h, int w) {
		float[] d = new float[h * w];
		for (int i = 0; i < d.length; i++) d[i] = i;
		return new PatchSampler.Plane(1, h, w, d);
	}

	@Test
	void sameSeedAndStepGiveSameBatchWhateverCameBefore() {
		PatchSampler a = new PatchSampler(Arrays.asList(ramp(40, 50), ramp(33, 33)), 16, 7);
		PatchSampler b = new PatchSampler(Arrays.asList(ramp(40, 50), ramp(33, 33)), 16, 7);
		a.batch(0, 4);
		a.batch(1, 4);
		assertArrayEquals(a.batch(2, 4), b.batch(2, 4));
		assertFalse(Arrays.equals(a.batch(2, 4), a.batch(3, 4)));
	}

	/** A weight patch is cut and turned exactly as its image patch; the split keeps each plane's weights. */
	@Test
	void weightsFollowTheirPatches() {
		PatchSampler.Plane r = ramp(40, 30);
		float[] w = new float[r.data.length];
		for (int i = 0; i < w.length; i++) w[i] = 2 * r.data[i] + 1;
		PatchSampler.Plane weighted = new PatchSampler.Plane(1, 40, 30, r.data, 0.1, w);
		for (PatchSampler s : new PatchSampler[] { new PatchSampler(Arrays.asList(weighted), 16, 3), new PatchSampler(
			PatchSampler.split(Arrays.asList(weighted), 0.3, 16).get(1), 16, 3) })
		{
			assertTrue(s.weighted());
			for (int step = 0; step < 10; step++) {
				float[] weights = new float[2 * 16 * 16];
				float[] patch = s.batch(step, 2, null, weights);
				for (int i = 0; i < patch.length; i++) assertEquals(2 * patch[i] + 1, weights[i], 0);
			}
		}
		float[] ones = new float[16 * 16];
		new PatchSampler(Arrays.asList(r), 16, 3).batch(0, 1, null, ones);
		for (float v : ones) assertEquals(1, v, 0);
	}

	@Test
	void patchesAreSymmetriesOfImageContent() {
		PatchSampler s = new PatchSampler(Arrays.asList(ramp(20, 20)), 20, 1);
		boolean sawTransposed = false;
		for (int step = 0; step < 40; step++) {
			float[] p = s.batch(step, 1);
			float[] sorted = p.clone();
			Arrays.sort(sorted);
			for (int i = 0; i < sorted.length; i++) assertEquals(i, sorted[i], 0);
			if (p[1] == 20) sawTransposed = true;
		}
		assertTrue(sawTransposed, "rotations should occur");
	}

	@Test
	void splitHoldsOutPlanesOrRows() {
		List<List<PatchSampler.Plane>> one = PatchSampler.split(Arrays.asList(ramp(100, 30)), 0.2, 16);
		assertEquals(80, one.get(0).get(0).height);
		assertEquals(20, one.get(1).get(0).height);
		assertEquals(80 * 30, one.get(1).get(0).data[0], 0);
		List<List<PatchSampler.Plane>> many = PatchSampler.split(Arrays.asList(ramp(20, 20), ramp(20, 20),
			ramp(20, 20), ramp(20, 20), ramp(20, 20)), 0.2, 16);
		assertEquals(4, many.get(0).size());
		assertEquals(1, many.get(1).size());
		assertThrows(IllegalArgumentException.class, () -> new PatchSampler(Arrays.asList(ramp(10, 10)), 16, 0));
	}
}
