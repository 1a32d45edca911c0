package org.diffusionij.nn.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import java.io.IOException;

/** transformers' {@code CLIPMLP}: {@code fc2(act(fc1(x)))} with {@code quick_gelu} or exact {@code gelu}. */
final class CLIPMLP {

	private final NDArray fc1Weight, fc1Bias, fc2Weight, fc2Bias;
	private final boolean quickGelu;

	CLIPMLP(String prefix, CLIPTextConfig c, CLIPWeights w) throws IOException {
		fc1Weight = w.take(prefix + "fc1.weight", c.intermediateSize, c.hiddenSize);
		fc1Bias = w.take(prefix + "fc1.bias", c.intermediateSize);
		fc2Weight = w.take(prefix + "fc2.weight", c.hiddenSize, c.intermediateSize);
		fc2Bias = w.take(prefix + "fc2.bias", c.hiddenSize);
		quickGelu = c.hiddenAct.equals("quick_gelu");
	}

	NDArray forward(NDArray x) {
		NDArray h = Linear.linear(x, fc1Weight, fc1Bias).singletonOrThrow();
		h = quickGelu ? quickGelu(h) : Activation.gelu(h);
		return Linear.linear(h, fc2Weight, fc2Bias).singletonOrThrow();
	}

	/** OpenAI CLIP's activation, {@code x * sigmoid(1.702 x)} (transformers' QuickGELUActivation). */
	static NDArray quickGelu(NDArray x) {
		return x.mul(Activation.sigmoid(x.mul(1.702f)));
	}
}
