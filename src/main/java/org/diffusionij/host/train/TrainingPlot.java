package org.diffusionij.host.train;

import ij.gui.Plot;
import ij.gui.PlotWindow;
import java.awt.Color;
import java.util.List;
import org.diffusionij.pipelines.train.TrainingHistory;
import org.diffusionij.pipelines.train.TrainingListener;

/**
 * The live loss plot: the training loss of every step (grey), its running mean over 20 steps (blue) and the
 * validation loss of the EMA weights (red), redrawn in one window at most once a second and at every
 * validation, so that a user sees the loss fall while training runs.
 */
final class TrainingPlot implements TrainingListener {

	private static final int MEAN_OF = 20;

	private final TrainingHistory history;
	private final String title;
	private PlotWindow window;
	private long lastDraw;

	TrainingPlot(TrainingHistory history, String title) {
		this.history = history;
		this.title = title;
	}

	@Override
	public void trained(long step, double loss, double learningRate, double stepsPerSecond) {
		if (System.currentTimeMillis() - lastDraw > 1000) draw();
	}

	@Override
	public void validated(long step, double validationLoss) {
		draw();
	}

	/** The plot of the history so far. */
	Plot plot() {
		List<double[]> losses = history.losses, validations = history.validations;
		int n = losses.size();
		double[] steps = new double[n], loss = new double[n], mean = new double[n];
		double sum = 0;
		for (int i = 0; i < n; i++) {
			steps[i] = losses.get(i)[0];
			loss[i] = losses.get(i)[1];
			sum += loss[i];
			if (i >= MEAN_OF) sum -= loss[i - MEAN_OF];
			mean[i] = sum / Math.min(i + 1, MEAN_OF);
		}
		double[] vs = new double[validations.size()], vl = new double[validations.size()];
		for (int i = 0; i < vs.length; i++) {
			vs[i] = validations.get(i)[0];
			vl[i] = validations.get(i)[1];
		}
		Plot p = new Plot(title, "step", "loss (mean squared error)");
		p.setColor(Color.LIGHT_GRAY);
		p.addPoints(steps, loss, Plot.LINE);
		p.setColor(Color.BLUE);
		p.setLineWidth(2);
		p.addPoints(steps, mean, Plot.LINE);
		p.setColor(Color.RED);
		p.addPoints(vs, vl, Plot.CONNECTED_CIRCLES);
		p.setColor(Color.BLACK);
		p.setLineWidth(1);
		p.addLegend("training loss\nmean of " + MEAN_OF + " steps\nvalidation loss (EMA)");
		p.setLimitsToFit(false);
		return p;
	}

	private void draw() {
		if (history.losses.isEmpty()) return;
		lastDraw = System.currentTimeMillis();
		Plot p = plot();
		if (window == null || window.isClosed()) window = p.show();
		else window.drawPlot(p);
	}
}
