package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * diffusers' {@code Transformer2DModel} for continuous (feature map) input, the attention layer of Stable
 * Diffusion's UNet: group norm ({@code norm}, eps 1e-6), {@code proj_in} to heads·dim_head channels (a 1×1
 * convolution, or a linear layer on the tokens when {@code use_linear_projection} as in SD 2), the
 * {@link BasicTransformerBlock}s on the H·W tokens, {@code proj_out} back, plus the input (residual).
 */
public final class Transformer2DModel {

	private static final double NORM_EPS = 1e-6;

	private final GroupNorm norm;
	private final Conv2d projInConv;
	private final Linear projInLinear;
	private final List<BasicTransformerBlock> blocks = new ArrayList<>();
	private final Conv2d projOutConv;
	private final Linear projOutLinear;
	private final int inner;

	/**
	 * @param channels in_channels of the feature map
	 * @param layers num_layers (diffusers' transformer_layers_per_block)
	 */
	public Transformer2DModel(ParameterStore store, String name, int channels, int heads, int dimHead, int layers,
		int crossAttentionDim, int groups, boolean useLinearProjection)
	{
		this.inner = heads * dimHead;
		this.norm = new GroupNorm(store, name + ".norm", groups, channels, NORM_EPS);
		this.projInConv = useLinearProjection ? null : new Conv2d(store, name + ".proj_in", channels, inner, 1, 1, 0);
		this.projInLinear = useLinearProjection ? new Linear(store, name + ".proj_in", channels, inner) : null;
		for (int i = 0; i < layers; i++) {
			blocks.add(new BasicTransformerBlock(store, name + ".transformer_blocks." + i, inner, heads, dimHead,
				crossAttentionDim));
		}
		this.projOutConv = useLinearProjection ? null : new Conv2d(store, name + ".proj_out", inner, channels, 1, 1,
			0);
		this.projOutLinear = useLinearProjection ? new Linear(store, name + ".proj_out", inner, channels) : null;
	}

	/**
	 * @param x (N, C, H, W) features
	 * @param context (N, S, cross_attention_dim) encoder hidden states
	 * @return (N, C, H, W), in {@code x}'s manager
	 */
	public NDArray forward(NDArray x, NDArray context) {
		NDManager parent = x.getManager();
		try (NDManager scope = Ops.scope(x)) {
			return Ops.in(parent, compute(Ops.alias(x, scope), context));
		}
	}

	private NDArray compute(NDArray x, NDArray context) {
		long n = x.getShape().get(0);
		long h = x.getShape().get(2);
		long w = x.getShape().get(3);
		NDArray t = norm.forward(x);
		t = projInConv != null ? tokens(projInConv.forward(t), n, h, w) : projInLinear.forward(tokens(t, n, h, w));
		for (BasicTransformerBlock block : blocks) {
			NDArray next = block.forward(t, context);
			t.close();
			t = next;
		}
		NDArray out = projOutConv != null ? projOutConv.forward(map(t, n, h, w)) : map(projOutLinear.forward(t), n,
			h, w);
		return out.add(x);
	}

	/** (N, C, H, W) to (N, H·W, C). */
	private static NDArray tokens(NDArray x, long n, long h, long w) {
		return x.transpose(0, 2, 3, 1).reshape(n, h * w, x.getShape().get(1));
	}

	/** (N, H·W, C) to (N, C, H, W). */
	private static NDArray map(NDArray t, long n, long h, long w) {
		return t.reshape(n, h, w, t.getShape().get(2)).transpose(0, 3, 1, 2);
	}
}
