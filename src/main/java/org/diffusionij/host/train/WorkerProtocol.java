package org.diffusionij.host.train;

import java.io.PrintStream;
import java.util.Locale;
import org.diffusionij.pipelines.Progress;
import org.diffusionij.pipelines.train.TrainingHistory;
import org.diffusionij.pipelines.train.TrainingListener;

/**
 * The lines a training worker ({@link TrainWorker}) writes on its standard output for the host that drives it:
 * {@code @diffusionij <kind> <fields>} with kinds {@code status}, {@code step}, {@code trained}, {@code validated},
 * {@code checkpoint}, {@code preview}. Every other line is the worker's Log, which the host logs as it comes.
 */
final class WorkerProtocol {

	static final String PREFIX = "@diffusionij ";

	/** What the host does with the worker's reports. */
	interface Host {
		void status(String message);

		void step(long done, long total);

		void trained(long step, double loss, double lr, double perSecond);

		void validated(long step, double validationLoss);

		void checkpointed(long step);

		void preview(long step, String path);

		void log(String line);
	}

	private WorkerProtocol() {}

	/** Worker side: progress that reports to the host, cancelled as {@code inner} is (a stop signal). */
	static Progress progress(PrintStream out, Progress inner) {
		return new Progress() {
			@Override
			public void status(String message) {
				send(out, "status " + message.replace('\n', ' '));
			}

			@Override
			public void step(long done, long total) {
				send(out, "step " + done + " " + total);
			}

			@Override
			public boolean isCancelled() {
				return inner.isCancelled();
			}
		};
	}

	/** Worker side: the training events, reported to the host. */
	static TrainingListener listener(PrintStream out) {
		return new TrainingListener() {
			@Override
			public void trained(long step, double loss, double lr, double perSecond) {
				send(out, String.format(Locale.ROOT, "trained %d %s %s %s", step, loss, lr, perSecond));
			}

			@Override
			public void validated(long step, double validationLoss) {
				send(out, "validated " + step + " " + validationLoss);
			}

			@Override
			public void checkpointed(long step) {
				send(out, "checkpoint " + step);
			}
		};
	}

	static void preview(PrintStream out, long step, String path) {
		send(out, "preview " + step + " " + path);
	}

	private static synchronized void send(PrintStream out, String line) {
		out.println(PREFIX + line);
		out.flush();
	}

	/** Host side: one line of the worker's output. */
	static void dispatch(String line, Host host) {
		if (!line.startsWith(PREFIX)) {
			host.log(line);
			return;
		}
		String[] f = line.substring(PREFIX.length()).split(" ", 2);
		String rest = f.length > 1 ? f[1] : "";
		String[] v = rest.split(" ");
		try {
			switch (f[0]) {
				case "status": host.status(rest); break;
				case "step": host.step(Long.parseLong(v[0]), Long.parseLong(v[1])); break;
				case "trained": host.trained(Long.parseLong(v[0]), Double.parseDouble(v[1]), Double.parseDouble(v[2]),
					Double.parseDouble(v[3])); break;
				case "validated": host.validated(Long.parseLong(v[0]), Double.parseDouble(v[1])); break;
				case "checkpoint": host.checkpointed(Long.parseLong(v[0])); break;
				case "preview": host.preview(Long.parseLong(v[0]), rest.substring(v[0].length() + 1)); break;
				default: host.log(line);
			}
		}
		catch (RuntimeException e) {
			host.log(line); // a malformed report is shown, not lost
		}
	}

	/** A host that keeps the history for the loss plot. */
	static TrainingListener recorder(TrainingHistory history) {
		return new TrainingListener() {
			@Override
			public void trained(long step, double loss, double lr, double perSecond) {
				history.addLoss(step, loss);
			}

			@Override
			public void validated(long step, double validationLoss) {
				history.addValidation(step, validationLoss);
			}
		};
	}
}
