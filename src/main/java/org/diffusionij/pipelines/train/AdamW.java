package org.diffusionij.pipelines.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter) with PyTorch's {@code torch.optim.AdamW} update order: decoupled weight decay
 * {@code p -= lr·λ·p}, then the bias-corrected Adam step. The moment estimates are plain named arrays, so the
 * whole optimizer state can be saved next to a checkpoint and restored bit-for-bit for Resume.
 * Runs with gradient recording off (after the gradient collector has closed).
 */
public final class AdamW {

	public final double beta1, beta2, eps, weightDecay;
	private final Map<String, NDArray> m = new LinkedHashMap<>();
	private final Map<String, NDArray> v = new LinkedHashMap<>();
	private long step;

	public AdamW(double beta1, double beta2, double eps, double weightDecay) {
		this.beta1 = beta1;
		this.beta2 = beta2;
		this.eps = eps;
		this.weightDecay = weightDecay;
	}

	/** diffusers' training-script defaults: betas (0.95, 0.999), eps 1e-8, weight decay 1e-6. */
	public static AdamW diffusersDefaults() {
		return new AdamW(0.95, 0.999, 1e-8, 1e-6);
	}

	/** Number of updates applied so far. */
	public long step() {
		return step;
	}

	/** Applies one update to every parameter that has a gradient, in place. */
	public void update(Map<String, NDArray> params, Map<String, NDArray> grads, double lr, NDManager stateManager) {
		step++;
		double bc1 = 1 - Math.pow(beta1, step);
		double bc2 = 1 - Math.pow(beta2, step);
		double stepSize = lr / bc1;
		for (Map.Entry<String, NDArray> e : params.entrySet()) {
			NDArray g = grads.get(e.getKey());
			if (g == null) continue;
			NDArray p = e.getValue();
			NDArray mt = m.computeIfAbsent(e.getKey(), k -> stateManager.zeros(p.getShape()));
			NDArray vt = v.computeIfAbsent(e.getKey(), k -> stateManager.zeros(p.getShape()));
			try (NDManager s = p.getManager().newSubManager()) {
				if (weightDecay != 0) p.muli(1 - lr * weightDecay);
				mt.muli(beta1).addi(temporary(g.mul(1 - beta1), s));
				vt.muli(beta2).addi(temporary(g.square(), s).muli(1 - beta2));
				NDArray denom = temporary(vt.sqrt(), s).divi(Math.sqrt(bc2)).addi(eps);
				p.subi(temporary(mt.div(denom), s).muli(stepSize));
			}
		}
	}

	/**
	 * Moves an intermediate into the update's scope: an operation's result lands in its first operand's manager,
	 * which for the moments is the long-lived state manager, where it would pile up step after step.
	 */
	private static NDArray temporary(NDArray x, NDManager scope) {
		x.attach(scope);
		return x;
	}

	/** The state as named arrays ({@code exp_avg.<name>}, {@code exp_avg_sq.<name>}) for a checkpoint. */
	public Map<String, NDArray> state() {
		Map<String, NDArray> out = new LinkedHashMap<>();
		m.forEach((k, a) -> out.put("exp_avg." + k, a));
		v.forEach((k, a) -> out.put("exp_avg_sq." + k, a));
		return out;
	}

	/** Restores a state written by {@link #state()} after {@code steps} updates. */
	public void restore(Map<String, NDArray> state, long steps) {
		m.clear();
		v.clear();
		state.forEach((k, a) -> {
			if (k.startsWith("exp_avg.")) m.put(k.substring(8), a);
			else if (k.startsWith("exp_avg_sq.")) v.put(k.substring(11), a);
		});
		step = steps;
	}
}
