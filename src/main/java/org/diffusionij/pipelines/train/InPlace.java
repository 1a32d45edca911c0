package org.diffusionij.pipelines.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Copies saved values into live tensors (trainable parameters, averages) in place, as a resumed run needs.
 * DJL's {@code NDArray.set(Buffer)} goes through libtorch's deprecated {@code AutoNonVariableTypeMode}, which
 * prints a deprecation warning on stderr; an indexed assignment of the whole tensor copies the same bits without
 * it. Grad mode is off meanwhile, so the copy is no step of any gradient.
 */
final class InPlace {

	private InPlace() {}

	/** {@code target[...] = source}, same shape; {@code source} may live in another manager. */
	static void copy(NDArray target, NDArray source, String name) {
		if (!target.getShape().equals(source.getShape())) {
			throw new IllegalArgumentException("The saved tensor " + name + " has shape " + source.getShape() +
				" but the model's has " + target.getShape() + "; the checkpoint belongs to another model.");
		}
		boolean gradMode = JniUtils.isGradMode();
		JniUtils.setGradMode(false);
		try {
			if (target.getShape().dimension() == 0) target.set(source.toFloatArray());
			else target.set(new NDIndex(":"), source.toType(target.getDataType(), false));
		}
		finally {
			JniUtils.setGradMode(gradMode);
		}
	}
}
