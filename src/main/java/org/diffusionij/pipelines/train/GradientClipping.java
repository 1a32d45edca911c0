package org.diffusionij.pipelines.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;

/** Clips gradients by their global L2 norm, as {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradientClipping {

	private GradientClipping() {}

	/**
	 * Scales all gradients in place so their joint L2 norm is at most {@code maxNorm}.
	 *
	 * @return the norm before clipping
	 */
	public static double clip(Map<String, NDArray> grads, double maxNorm) {
		try (NDManager scope = grads.values().iterator().next().getManager().newSubManager()) {
			// summed on the device and read once: one synchronisation per step instead of one per parameter
			NDArray sq = null;
			for (NDArray g : grads.values()) {
				NDArray s = g.square().sum();
				s.attach(scope);
				sq = sq == null ? s : sq.add(s);
			}
			double norm = Math.sqrt(sq.getFloat());
			double scale = maxNorm / (norm + 1e-6);
			if (scale < 1) grads.values().forEach(g -> g.muli(scale));
			return norm;
		}
	}
}
