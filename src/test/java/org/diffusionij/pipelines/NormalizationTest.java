package org.diffusionij.pipelines;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.Random;
import org.diffusionij.engine.DiffusionEngine;
import org.junit.jupiter.api.Test;

/** Percentiles equal numpy's, the normalisation inverts exactly, and it survives JSON. */
class NormalizationTest {

	private static final float[] DATA = { 0.5f, -2.25f, 7f, 3.125f, 10f, 1.75f, 4f, -0.5f, 12.5f, 6f, 2f };

	@Test
	void percentilesEqualNumpyLinear() {
		// np.percentile(np.array(DATA, dtype=np.float64), q) with numpy 2.4.6
		double[] q = { 0, 1, 12.3, 50, 77.7, 99.8, 100 };
		double[] numpy = { -2.25, -2.075, -0.2699999999999998, 3.125, 6.7700000000000005, 12.450000000000001, 12.5 };
		assertArrayEquals(numpy, Percentiles.of(DATA, q), 0.0);
		// by hand: sorted index 0.01 * 10 = 0.1 lies between -2.25 and -0.5
		assertEquals(-2.25 + 0.1 * 1.75, Percentiles.of(DATA, 1)[0], 1e-15);
		assertEquals(4.0, Percentiles.of(new float[] { 4 }, 99.8)[0]);
	}

	@Test
	void percentilesRefuseBadInput() {
		assertThrows(IllegalArgumentException.class, () -> Percentiles.of(new float[0], 50));
		assertThrows(IllegalArgumentException.class, () -> Percentiles.of(new float[] { 1, Float.NaN }, 50));
		assertThrows(IllegalArgumentException.class, () -> Percentiles.of(DATA, 100.5));
		assertThrows(IllegalArgumentException.class, () -> Normalization.percentile(99.8, 1));
		assertThrows(IllegalArgumentException.class, () -> Normalization.fixed(5, 5));
	}

	@Test
	void defaultIsCsbDeepOneTo99point8() {
		Normalization n = Normalization.percentile();
		assertEquals(Normalization.Kind.PERCENTILE, n.kind());
		assertEquals(1.0, n.low());
		assertEquals(99.8, n.high());
		NormalizationRange r = n.fit(DATA);
		assertEquals(-2.075, r.low(), 0.0);
		assertEquals(12.450000000000001, r.high(), 0.0);
		float[] y = r.apply(DATA.clone());
		assertEquals(0f, y[1] + 0.175f / 14.525f, 1e-6f);
		assertEquals((12.5 + 2.075) / 14.525, y[8], 1e-6);
	}

	@Test
	void inverseIsExactToFloatPrecision() {
		Random random = new Random(7);
		float[] x = new float[10000];
		for (int i = 0; i < x.length; i++) x[i] = (float) (random.nextGaussian() * 300 + 1000);
		NormalizationRange r = Normalization.percentile().fit(x);
		float[] back = r.invert(r.apply(x.clone()));
		// float precision of the range: the normalised value carries float's relative error, scaled back
		float scale = (float) Math.max(Math.abs(r.low()), Math.abs(r.high()));
		for (int i = 0; i < x.length; i++) {
			assertEquals(x[i], back[i], Math.ulp(scale) + Math.ulp(x[i]), "pixel " + i);
		}
		DiffusionEngine.start();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			NDArray a = m.create(x);
			float[] viaTensor = r.invert(r.apply(a)).toFloatArray();
			for (int i = 0; i < x.length; i++) {
				assertEquals(x[i], viaTensor[i], 2 * Math.ulp(scale) + Math.ulp(x[i]), "pixel " + i);
			}
			assertEquals(r.low(), Normalization.percentile().fit(a).low(), 0.0);
		}
	}

	@Test
	void fixedRangeAndUnitRange() {
		NormalizationRange r = Normalization.fixed(0, 255).fit(DATA);
		assertArrayEquals(new float[] { 0f, 0.5f, 1f }, r.apply(new float[] { 0f, 127.5f, 255f }));
		DiffusionEngine.start();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			NDArray unit = Normalization.toUnit(m.create(new float[] { 0f, 0.25f, 1f }));
			assertArrayEquals(new float[] { -1f, -0.5f, 1f }, unit.toFloatArray());
			assertArrayEquals(new float[] { 0f, 0.25f, 1f }, Normalization.fromUnit(unit).toFloatArray());
		}
	}

	@Test
	void flatImageMapsToZeroAndBack() {
		float[] flat = { 42f, 42f, 42f };
		NormalizationRange r = Normalization.percentile().fit(flat);
		assertArrayEquals(new float[] { 0f, 0f, 0f }, r.apply(flat.clone()));
		assertArrayEquals(flat, r.invert(r.apply(flat.clone())));
	}

	@Test
	void jsonRoundTrip() {
		Normalization p = Normalization.percentile(2, 99.5);
		JsonObject pj = p.toJson();
		assertEquals("{\"type\":\"percentile\",\"low\":2.0,\"high\":99.5}", pj.toString());
		assertEquals(p, Normalization.fromJson(pj));
		Normalization f = Normalization.fixed(0, 65535);
		assertEquals(f, Normalization.fromJson(JsonParser.parseString(f.toJson().toString()).getAsJsonObject()));
		assertEquals(65535.0, Normalization.fromJson(f.toJson()).high());
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> Normalization.fromJson(JsonParser.parseString("{\"type\":\"fixed\",\"min\":0}").getAsJsonObject()));
		assertTrue(e.getMessage().contains("\"max\""), e.getMessage());
		assertThrows(IllegalArgumentException.class,
			() -> Normalization.fromJson(JsonParser.parseString("{\"type\":\"zscore\"}").getAsJsonObject()));
	}
}
