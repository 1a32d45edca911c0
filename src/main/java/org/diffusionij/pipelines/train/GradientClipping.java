package org.diffusionij.pipelines.train;

import ai.djl.ndarray.NDArray;
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
		double sq = 0;
		for (NDArray g : grads.values()) {
			try (NDArray s = g.square().sum()) {
				sq += s.getFloat();
			}
		}
		double norm = Math.sqrt(sq);
		double scale = maxNorm / (norm + 1e-6);
		if (scale < 1) grads.values().forEach(g -> g.muli(scale));
		return norm;
	}
}
