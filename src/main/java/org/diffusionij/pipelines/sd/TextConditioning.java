package org.diffusionij.pipelines.sd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * diffusers' {@code encode_prompt}: the prompt's CLIP hidden states repeated for each image, and with
 * classifier-free guidance the negative prompt's before them ({@code [negative…, prompt…]}).
 */
final class TextConditioning {

	private TextConditioning() {}

	static NDArray embed(StableDiffusionModel model, GenerationRequest r, NDManager m) {
		NDArray prompt = encode(model, r.prompt, r.count, m);
		if (!r.guided()) return prompt;
		NDArray negative = encode(model, r.negativePrompt == null ? "" : r.negativePrompt, r.count, m);
		return NDArrays.concat(new NDList(negative, prompt));
	}

	private static NDArray encode(StableDiffusionModel model, String text, int count, NDManager m) {
		long[] ids = model.tokenizer.inputIds(text);
		NDArray hidden = model.textEncoder.forward(m.create(ids, new Shape(1, ids.length)));
		return hidden.repeat(0, count);
	}
}
