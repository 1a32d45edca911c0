package org.diffusionij.pipelines.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exponential moving average of the weights, as diffusers' {@code EMAModel} with warm-up: the decay at
 * optimisation step {@code s} is {@code min(maxDecay, (1 + s) / (10 + s))}, so early averages follow the fast
 * moving weights and later ones smooth them. The averaged weights are what a checkpoint saves for inference.
 */
public final class Ema {

	private final double maxDecay;
	private final Map<String, NDArray> shadow = new LinkedHashMap<>();

	public Ema(double maxDecay, Map<String, NDArray> params, NDManager manager) {
		this.maxDecay = maxDecay;
		params.forEach((k, p) -> {
			NDArray copy = p.duplicate();
			copy.attach(manager);
			copy.setRequiresGradient(false);
			shadow.put(k, copy);
		});
	}

	/** The decay used after {@code step} optimisation steps (1-based). */
	public double decay(long step) {
		return Math.min(maxDecay, (1.0 + step) / (10.0 + step));
	}

	/** shadow ← d·shadow + (1−d)·param, in place. */
	public void update(Map<String, NDArray> params, long step) {
		double d = decay(step);
		params.forEach((k, p) -> {
			NDArray s = shadow.get(k);
			try (NDManager tmp = s.getManager().newSubManager()) {
				NDArray delta = s.sub(p);
				delta.attach(tmp);
				s.subi(delta.muli(1 - d));
			}
		});
	}

	/** The averaged weights, by parameter name. */
	public Map<String, NDArray> weights() {
		return shadow;
	}

	/** Replaces the averaged weights with saved ones (for Resume). */
	public void restore(Map<String, NDArray> saved) {
		saved.forEach((k, a) -> {
			NDArray s = shadow.get(k);
			if (s != null) InPlace.copy(s, a, k);
		});
	}
}
