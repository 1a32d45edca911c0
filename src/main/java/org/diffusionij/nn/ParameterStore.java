package org.diffusionij.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diffusionij.engine.Generator;

/**
 * The parameters of a network, in declaration order, under their full diffusers names
 * ({@code down_blocks.0.resnets.1.conv1.weight}). Modules declare what they need while the network is built;
 * values come later, either from a diffusers checkpoint ({@link #load}, a name match with shape checks) or fresh
 * ({@link #initialize}, PyTorch's default initialisation) for training from scratch. Keeping the names equal to
 * diffusers' safetensors keys is what lets a model trained here load in Python and vice versa.
 */
public final class ParameterStore {

	/** How a fresh parameter is filled, as {@code torch.nn}'s modules do by default. */
	public enum Init {
		/**
		 * Uniform in ±1/sqrt(fan_in): Conv2d/Linear weights ({@code kaiming_uniform_} with a=sqrt(5) reduces to
		 * this bound) and their biases.
		 */
		FAN_IN_UNIFORM,
		/** Norm scales. */
		ONES,
		/** Norm shifts. */
		ZEROS
	}

	/** One named parameter; its value is set by {@link #load} or {@link #initialize}. */
	public static final class Parameter {

		private final String name;
		private final Shape shape;
		private final Init init;
		private final long fanIn;
		private NDArray array;

		Parameter(String name, Shape shape, Init init, long fanIn) {
			this.name = name;
			this.shape = shape;
			this.init = init;
			this.fanIn = fanIn;
		}

		public String name() {
			return name;
		}

		public Shape shape() {
			return shape;
		}

		/** The value; fails with a message naming the parameter when none was loaded or initialised. */
		public NDArray array() {
			if (array == null) {
				throw new IllegalStateException("Parameter " + name +
					" has no value: load weights or initialize the model before running it.");
			}
			return array;
		}
	}

	private final Map<String, Parameter> parameters = new LinkedHashMap<>();

	/** Declares a parameter under its full name; names are unique. */
	public Parameter declare(String name, Shape shape, Init init, long fanIn) {
		if (parameters.containsKey(name)) throw new IllegalStateException("Parameter " + name + " declared twice.");
		Parameter p = new Parameter(name, shape, init, fanIn);
		parameters.put(name, p);
		return p;
	}

	/** Number of scalar parameters. */
	public long count() {
		long n = 0;
		for (Parameter p : parameters.values()) n += p.shape.size();
		return n;
	}

	/** The values by full name, in declaration order (null values where nothing was set yet). */
	public LinkedHashMap<String, NDArray> arrays() {
		LinkedHashMap<String, NDArray> out = new LinkedHashMap<>();
		for (Parameter p : parameters.values()) out.put(p.name, p.array);
		return out;
	}

	/** The declared shapes by full name, in declaration order. */
	public LinkedHashMap<String, Shape> shapes() {
		LinkedHashMap<String, Shape> out = new LinkedHashMap<>();
		for (Parameter p : parameters.values()) out.put(p.name, p.shape);
		return out;
	}

	/**
	 * Fills every parameter with fresh values in {@code manager}, drawn from {@code generator} in declaration
	 * order, so the same seed gives the same network.
	 */
	public void initialize(NDManager manager, Generator generator) {
		for (Parameter p : parameters.values()) {
			switch (p.init) {
				case ONES:
					p.array = manager.ones(p.shape);
					break;
				case ZEROS:
					p.array = manager.zeros(p.shape);
					break;
				default:
					float bound = (float) (1.0 / Math.sqrt(p.fanIn));
					p.array = generator.uniform(manager, -bound, bound, p.shape);
			}
			p.array.setName(p.name);
		}
	}

	/**
	 * Takes the values from a name-to-array map (a diffusers state dict). Every declared name must be present
	 * with the declared shape and no other name may be present; otherwise nothing is taken and the message lists
	 * every missing, unexpected and mis-shaped key. Arrays are used as they are (not copied); they must all be
	 * float32 or all float16 (the network then computes in that type).
	 */
	public void load(Map<String, NDArray> values) {
		List<String> missing = new ArrayList<>();
		List<String> unexpected = new ArrayList<>();
		List<String> mismatched = new ArrayList<>();
		for (Parameter p : parameters.values()) {
			NDArray a = values.get(p.name);
			if (a == null) missing.add(p.name);
			else if (!a.getShape().equals(p.shape)) {
				mismatched.add(p.name + " is " + a.getShape() + " but the config needs " + p.shape);
			}
			else if (a.getDataType() != DataType.FLOAT32 && a.getDataType() != DataType.FLOAT16) {
				mismatched.add(p.name + " is " + a.getDataType() + " but float32 or float16 is needed");
			}
		}
		for (String k : values.keySet()) {
			if (!parameters.containsKey(k)) unexpected.add(k);
		}
		if (!missing.isEmpty() || !unexpected.isEmpty() || !mismatched.isEmpty()) {
			StringBuilder sb = new StringBuilder("The weights do not fit the model's config.");
			if (!missing.isEmpty()) sb.append("\nMissing keys (").append(missing.size()).append("): ").append(missing);
			if (!unexpected.isEmpty()) {
				sb.append("\nUnexpected keys (").append(unexpected.size()).append("): ").append(unexpected);
			}
			if (!mismatched.isEmpty()) {
				sb.append("\nShape mismatches (").append(mismatched.size()).append("): ").append(mismatched);
			}
			throw new IllegalArgumentException(sb.toString());
		}
		long types = parameters.values().stream().map(p -> values.get(p.name).getDataType()).distinct().count();
		if (types > 1) throw new IllegalArgumentException("The weights mix float32 and float16; convert them to one type.");
		for (Parameter p : parameters.values()) p.array = values.get(p.name);
	}

	/** The type the parameters hold (float32 before any are set), which is the type the network computes in. */
	public DataType dtype() {
		for (Parameter p : parameters.values()) {
			if (p.array != null) return p.array.getDataType();
		}
		return DataType.FLOAT32;
	}

	/** Switches gradient tracking of every parameter on or off (for training). */
	public void setRequiresGradient(boolean requiresGrad) {
		for (Parameter p : parameters.values()) p.array().setRequiresGradient(requiresGrad);
	}
}
