package org.diffusionij.host;

import ij.gui.Plot;
import java.awt.Color;
import java.util.Locale;
import org.diffusionij.pipelines.ForwardProcess;

/**
 * The noise schedule of a model as an ImageJ {@link Plot}: ᾱ<sub>t</sub> (how much of the image is left, on the
 * left axis, 0 to 1) and the signal-to-noise ratio 10 log<sub>10</sub>(ᾱ / (1 − ᾱ)) in decibels (with its own
 * scale drawn along the right edge) over the training timesteps, the chosen timesteps marked on both curves.
 */
final class NoiseSchedulePlot {

	static final Color ALPHA = new Color(0, 90, 200), SNR = new Color(200, 40, 0), MARK = Color.DARK_GRAY;

	private NoiseSchedulePlot() {}

	static Plot of(String title, ForwardProcess forward, int[] marked) {
		float[] acp = forward.alphasCumprod();
		int n = acp.length;
		double[] t = new double[n], alpha = new double[n], snr = new double[n];
		double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
		for (int i = 0; i < n; i++) {
			t[i] = i;
			alpha[i] = acp[i];
			snr[i] = ForwardProcess.snrDb(acp[i]);
			lo = Math.min(lo, snr[i]);
			hi = Math.max(hi, snr[i]);
		}
		// the decibel scale: multiples of 10 dB around the curve, mapped onto the left axis' 0 … 1
		double dbLow = Math.floor(lo / 10) * 10, dbHigh = Math.ceil(hi / 10) * 10;
		if (dbHigh <= dbLow) dbHigh = dbLow + 10;
		double[] snrScaled = new double[n];
		for (int i = 0; i < n; i++) snrScaled[i] = (snr[i] - dbLow) / (dbHigh - dbLow);

		Plot p = new Plot(title, "timestep t", "ᾱ_t (blue)");
		p.setFrameSize(560, 320);
		p.setLimits(0, n - 1, 0, 1.04);
		p.setColor(ALPHA);
		p.setLineWidth(2);
		p.addPoints(t, alpha, Plot.LINE);
		p.setColor(SNR);
		p.addPoints(t, snrScaled, Plot.LINE);
		p.setLineWidth(1);
		double[] mt = new double[marked.length], ma = new double[marked.length], ms = new double[marked.length];
		for (int k = 0; k < marked.length; k++) {
			mt[k] = marked[k];
			ma[k] = acp[marked[k]];
			ms[k] = snrScaled[marked[k]];
		}
		p.setColor(MARK);
		for (double x : mt) p.drawDottedLine(x, 0, x, 1, 3);
		p.setColor(ALPHA);
		p.addPoints(mt, ma, Plot.CIRCLE);
		p.setColor(SNR);
		p.addPoints(mt, ms, Plot.CIRCLE);
		// the SNR scale, inside the right edge
		p.setJustification(Plot.RIGHT);
		for (double db = dbLow; db <= dbHigh + 1e-9; db += 10) {
			double y = (db - dbLow) / (dbHigh - dbLow);
			p.drawLine(n - 1 - n * 0.012, y, n - 1, y);
			p.addText(Math.abs(db) < 1e-9 ? "0 dB" : String.format(Locale.ROOT, "%+.0f dB", db), n - 1 - n * 0.02, y -
				0.015);
		}
		p.setJustification(Plot.LEFT);
		p.setColor(Color.BLACK);
		p.addLegend("ᾱ_t\nSNR in dB (right scale)\nchosen timesteps\n", "bottom-left");
		return p;
	}

	/** The chosen timesteps and their ᾱ and SNR, for the plot image's Info. */
	static String table(ForwardProcess forward, int[] marked) {
		StringBuilder s = new StringBuilder("t\talpha_cumprod\tSNR (dB)\n");
		for (int t : marked) {
			double a = forward.alphaCumprod(t);
			s.append(String.format(Locale.ROOT, "%d\t%.6f\t%.2f%n", t, a, ForwardProcess.snrDb(a)));
		}
		return s.toString();
	}
}
