package org.diffusionij.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Selection gives the values a full sort puts at the ranks asked for, whatever the values' spread and order. */
class SelectTest {

	@Test
	void eachRankHoldsTheSortedArraysValue() {
		Random random = new Random(7);
		for (int trial = 0; trial < 300; trial++) {
			int n = 1 + random.nextInt(trial < 200 ? 40 : 20000);
			double[] d = new double[n];
			int kind = trial % 6;
			for (int i = 0; i < n; i++) {
				d[i] = kind == 0 ? random.nextGaussian() : kind == 1 ? random.nextInt(4) - 2 : kind == 2 ? i : kind == 3 ?
					1e-3 * (n - i) : kind == 4 ? 3.5 : random.nextGaussian() * Math.exp(20 * random.nextGaussian());
			}
			if (n > 3 && kind == 0) {
				d[0] = -0.0;
				d[1] = 0.0;
				d[2] = Double.NaN;
			}
			double[] sorted = d.clone();
			Arrays.sort(sorted);
			int[] ks = { 0, n - 1, random.nextInt(n), random.nextInt(n), n / 2 };
			double[] got = Select.ranks(n, i -> d[i], ks);
			for (int q = 0; q < ks.length; q++) {
				assertEquals(Double.doubleToLongBits(sorted[ks[q]]), Double.doubleToLongBits(got[q]), "n=" + n + " k=" +
					ks[q] + " kind=" + kind);
			}
		}
	}
}
