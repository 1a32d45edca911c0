package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

	/** Fresh PyTorch-default weights in {@code manager}, reproducible from {@code seed}. */
	public void initialize(NDManager manager, long seed) {
		store.initialize(manager, seed);
	}
}
