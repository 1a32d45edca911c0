package org.diffusionij.nn;

/**
 * What a cross-attention block of {@link UNet2DConditionModel} passes on to its {@link Transformer2DModel}s:
 * {@code num_attention_heads} (each head gets channels / heads), {@code transformer_layers_per_block},
 * {@code cross_attention_dim}, {@code norm_num_groups} and {@code use_linear_projection}. Keeping them together
 * keeps the block constructors readable.
 */
final class Transformer2DSettings {

	final int heads;
	final int layers;
	final int crossAttentionDim;
	final int groups;
	final boolean useLinearProjection;

	Transformer2DSettings(int heads, int layers, int crossAttentionDim, int groups, boolean useLinearProjection) {
		this.heads = heads;
		this.layers = layers;
		this.crossAttentionDim = crossAttentionDim;
		this.groups = groups;
		this.useLinearProjection = useLinearProjection;
	}

	/** The transformer over a {@code channels}-channel feature map, as diffusers' blocks build it. */
	Transformer2DModel build(ParameterStore store, String name, int channels) {
		if (heads <= 0 || channels % heads != 0) {
			throw new IllegalArgumentException(name + ": " + channels + " channels cannot be split into " + heads +
				" attention heads (check attention_head_dim / num_attention_heads).");
		}
		return new Transformer2DModel(store, name, channels, heads, channels / heads, layers, crossAttentionDim,
			groups, useLinearProjection);
	}
}
