package org.diffusionij.pipelines.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Losses by step (training every step, validation every few), saved with checkpoints and shown as a plot. */
public final class TrainingHistory {

	public final List<double[]> losses = new ArrayList<>();
	public final List<double[]> validations = new ArrayList<>();

	public void addLoss(long step, double loss) {
		losses.add(new double[] { step, loss });
	}

	public void addValidation(long step, double loss) {
		validations.add(new double[] { step, loss });
	}

	public double lastValidation() {
		return validations.isEmpty() ? Double.NaN : validations.get(validations.size() - 1)[1];
	}

	public double lastLoss() {
		return losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1)[1];
	}

	/** Mean training loss over the last {@code n} steps (smoother than one step's loss). */
	public double recentLoss(int n) {
		int from = Math.max(0, losses.size() - n);
		double sum = 0;
		for (int i = from; i < losses.size(); i++) sum += losses.get(i)[1];
		return losses.size() == from ? Double.NaN : sum / (losses.size() - from);
	}

	void replaceWith(TrainingHistory other) {
		losses.clear();
		losses.addAll(other.losses);
		validations.clear();
		validations.addAll(other.validations);
	}

	public JsonObject toJson() {
		JsonObject o = new JsonObject();
		o.add("loss", pairs(losses));
		o.add("validation_loss", pairs(validations));
		return o;
	}

	public static TrainingHistory fromJson(JsonObject o) {
		TrainingHistory h = new TrainingHistory();
		read(o.getAsJsonArray("loss"), h.losses);
		read(o.getAsJsonArray("validation_loss"), h.validations);
		return h;
	}

	private static JsonArray pairs(List<double[]> list) {
		JsonArray a = new JsonArray();
		for (double[] p : list) {
			JsonArray e = new JsonArray();
			e.add((long) p[0]);
			e.add(p[1]);
			a.add(e);
		}
		return a;
	}

	private static void read(JsonArray a, List<double[]> into) {
		a.forEach(e -> into.add(new double[] { e.getAsJsonArray().get(0).getAsDouble(),
			e.getAsJsonArray().get(1).getAsDouble() }));
	}
}
