package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diffusionij.engine.Generator;
import org.diffusionij.io.ConfigJson;

/**
 * What every diffusers model class here shares: the {@code config.json} it was built from (whose unread keys
 * are reported to the user) and its parameters under diffusers' names, which load from a state dict or start
 * fresh for training.
 */
public abstract class DiffusersModel {

	protected final ConfigJson configJson;
	protected final ParameterStore store = new ParameterStore();

	protected DiffusersModel(ConfigJson configJson) {
		this.configJson = configJson;
	}

	/** Config keys present in the file that this implementation did not read (reported to the user). */
	public List<String> unusedConfigKeys() {
		return configJson.unusedKeys();
	}

	/** The parameters by diffusers name, in a stable (construction) order. */
	public LinkedHashMap<String, NDArray> parameters() {
		return store.arrays();
	}

	/** The parameter store (shapes, gradient switch). */
	public ParameterStore parameterStore() {
		return store;
	}

	/** Number of scalar parameters. */
	public long parameterCount() {
		return store.count();
	}

	/** Sets the weights from a diffusers state dict; see {@link ParameterStore#load}. */
	public void load(Map<String, NDArray> weights) {
		store.load(weights);
	}

	/** The type the network computes in: its parameters' (float32 or float16). Inputs and outputs stay float32. */
	public DataType dtype() {
		return store.dtype();
	}

	/**
	 * Converts the weights to {@code dtype} in place (float16 halves their memory; on GPUs it is also faster).
	 * The float32 arrays are freed.
	 */
	public void convertTo(DataType dtype) {
		Map<String, NDArray> converted = new LinkedHashMap<>();
		store.arrays().forEach((name, a) -> {
			NDArray c = a.toType(dtype, false);
			if (c != a) {
				c.setName(name);
				a.close();
			}
			converted.put(name, c);
		});
		store.load(converted);
	}

	/** Fresh PyTorch-default weights in {@code manager}, drawn from {@code generator}. */
	public void initialize(NDManager manager, Generator generator) {
		store.initialize(manager, generator);
	}
}
