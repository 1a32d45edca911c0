package org.diffusionij.pipelines.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.Map;
import org.diffusionij.engine.DiffusionEngine;
import org.junit.jupiter.api.Test;

class AdamWTest {

	/** Five updates against torch.optim.AdamW's formulas evaluated in double precision. */
	@Test
	void matchesTorchUpdateRule() {
		DiffusionEngine.start();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			float[] p0 = { 0.5f, -1.25f, 2f };
			float[][] g = { { 0.1f, -0.2f, 0.3f }, { 0.05f, 0.4f, -0.1f }, { -0.3f, 0.2f, 0.0f },
				{ 0.7f, -0.6f, 0.2f }, { 0.01f, 0.02f, -0.03f } };
			NDArray p = m.create(p0);
			AdamW opt = new AdamW(0.9, 0.999, 1e-8, 0.01);
			double[] ref = { p0[0], p0[1], p0[2] }, mm = new double[3], vv = new double[3];
			double lr = 1e-2;
			for (int t = 1; t <= g.length; t++) {
				Map<String, NDArray> grads = Collections.singletonMap("w", m.create(g[t - 1]));
				opt.update(Collections.singletonMap("w", p), grads, lr, m);
				for (int i = 0; i < 3; i++) {
					ref[i] *= 1 - lr * 0.01;
					mm[i] = 0.9 * mm[i] + 0.1 * g[t - 1][i];
					vv[i] = 0.999 * vv[i] + 0.001 * g[t - 1][i] * g[t - 1][i];
					double mh = mm[i] / (1 - Math.pow(0.9, t)), vh = vv[i] / (1 - Math.pow(0.999, t));
					ref[i] -= lr * mh / (Math.sqrt(vh) + 1e-8);
				}
			}
			float[] got = p.toFloatArray();
			for (int i = 0; i < 3; i++) assertEquals(ref[i], got[i], 1e-6);
			assertEquals(5, opt.step());
			assertEquals(2, opt.state().size());
		}
	}

	/** The moments live in the state manager; nothing else an update makes may stay there. */
	@Test
	void updatesLeaveNoArraysBehind() {
		DiffusionEngine.start();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			NDArray p = m.create(new float[] { 0.5f, -1.25f, 2f });
			AdamW opt = new AdamW(0.9, 0.999, 1e-8, 0.01);
			int afterFirst = -1;
			for (int t = 0; t < 21; t++) {
				try (NDManager step = m.newSubManager()) {
					NDArray g = step.create(new float[] { 0.1f * t, -0.2f, 0.3f });
					opt.update(Collections.singletonMap("w", p), Collections.singletonMap("w", g), 1e-2, m);
				}
				if (t == 0) afterFirst = m.getManagedArrays().size();
			}
			assertEquals(afterFirst, m.getManagedArrays().size());
		}
	}

	@Test
	void cosineScheduleWithWarmup() {
		LearningRateSchedule s = new LearningRateSchedule(1e-3, 10, 110);
		assertEquals(0, s.at(0), 0);
		assertEquals(5e-4, s.at(5), 1e-12);
		assertEquals(1e-3, s.at(10), 1e-12);
		assertEquals(5e-4, s.at(60), 1e-12);
		assertEquals(0, s.at(110), 1e-12);
	}
}
