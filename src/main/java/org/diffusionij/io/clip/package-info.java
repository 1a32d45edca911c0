/**
 * The CLIP tokenizer of a Stable Diffusion folder's {@code tokenizer/}: {@link org.diffusionij.io.clip.ClipTokenizer}
 * gives the ids transformers' CLIPTokenizerFast gives, from {@code vocab.json}, {@code merges.txt} and the
 * special-token files ({@link org.diffusionij.io.clip.ClipSpecialTokens}), with BPE run by DJL on a
 * {@code tokenizer.json} built by {@link org.diffusionij.io.clip.ClipTokenizerJson}.
 */
package org.diffusionij.io.clip;
