package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * diffusers' {@code ResnetBlock2D} with {@code time_embedding_norm="default"} and SiLU: norm1, act, conv1,
 * plus the projected time embedding, norm2, act, (dropout: identity at inference), conv2, a 1×1
 * {@code conv_shortcut} when the channel count changes, and the sum divided by {@code output_scale_factor}.
 */
public final class ResnetBlock2D {

	private final GroupNorm norm1;
	private final Conv2d conv1;
	private final Linear timeEmbProj;
	private final GroupNorm norm2;
	private final Conv2d conv2;
	private final Conv2d convShortcut;
	private final int outChannels;
	private final double outputScaleFactor;

	public ResnetBlock2D(ParameterStore store, String name, int inChannels, int outChannels, int tembChannels,
		int groups, double eps, double outputScaleFactor)
	{
		this.norm1 = new GroupNorm(store, name + ".norm1", groups, inChannels, eps);
		this.conv1 = new Conv2d(store, name + ".conv1", inChannels, outChannels, 3, 1, 1);
		this.timeEmbProj = tembChannels > 0 ? new Linear(store, name + ".time_emb_proj", tembChannels, outChannels)
			: null;
		this.norm2 = new GroupNorm(store, name + ".norm2", groups, outChannels, eps);
		this.conv2 = new Conv2d(store, name + ".conv2", outChannels, outChannels, 3, 1, 1);
		this.convShortcut = inChannels != outChannels ? new Conv2d(store, name + ".conv_shortcut", inChannels,
			outChannels, 1, 1, 0) : null;
		this.outChannels = outChannels;
		this.outputScaleFactor = outputScaleFactor;
	}

	/**
	 * @param x (N, in, H, W)
	 * @param temb (N, temb_channels), or null for a block built without time embedding
	 */
	public NDArray forward(NDArray x, NDArray temb) {
		NDManager parent = x.getManager();
		try (NDManager scope = Ops.scope(x)) {
			return Ops.in(parent, compute(Ops.alias(x, scope), temb == null ? null : Ops.alias(temb, scope)));
		}
	}

	private NDArray compute(NDArray x, NDArray temb) {
		if (Ops.fastInference(x)) return computeInference(x, temb);
		NDArray h = conv1.forward(Ops.silu(norm1.forward(x)));
		if (timeEmbProj != null && temb != null) {
			NDArray t = timeEmbProj.forward(Ops.silu(temb));
			h = h.add(t.reshape(t.getShape().get(0), outChannels, 1, 1));
		}
		h = conv2.forward(Ops.silu(norm2.forward(h)));
		NDArray skip = convShortcut == null ? x : convShortcut.forward(x);
		NDArray out = skip.add(h);
		return outputScaleFactor == 1.0 ? out : out.div(outputScaleFactor);
	}

	/**
	 * The same sums without gradients: intermediates are closed as soon as the next op has read them and the
	 * additions go into the convolutions' fresh outputs ({@code h + t} and {@code h + skip} equal
	 * {@code t + h} and {@code skip + h} bit for bit), so at most three activations are alive at once.
	 */
	private NDArray computeInference(NDArray x, NDArray temb) {
		NDArray a = Ops.siluConsuming(norm1.forward(x));
		NDArray h = conv1.forward(a);
		a.close();
		if (timeEmbProj != null && temb != null) {
			NDArray t = timeEmbProj.forward(Ops.silu(temb));
			h.addi(t.reshape(t.getShape().get(0), outChannels, 1, 1));
		}
		a = Ops.siluConsuming(norm2.forward(h));
		h.close();
		h = conv2.forward(a);
		a.close();
		if (convShortcut == null) h.addi(x);
		else {
			NDArray skip = convShortcut.forward(x);
			h.addi(skip);
			skip.close();
		}
		return outputScaleFactor == 1.0 ? h : h.div(outputScaleFactor);
	}
}
