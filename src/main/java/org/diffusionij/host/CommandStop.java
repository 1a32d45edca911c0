package org.diffusionij.host;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How the headless launcher stops: SIGINT, SIGTERM or SIGHUP cancel the running command exactly as Cancel does
 * in ImageJ (training writes its checkpoint of the current step, Denoise Image writes nothing), and the launcher
 * then exits with 128 + the signal's number (130 for Ctrl-C, 143 for SIGTERM). A command not yet started is not
 * started. A second Ctrl-C, two seconds or more after the first, stops at once.
 * <p>
 * In the child JVM that {@link ArenaRelaunch} starts, a watchdog also stops the command when the parent launcher
 * is gone (killed with SIGKILL, say), so no JVM goes on working for a launcher nobody waits for.
 */
public final class CommandStop {

	/** System property naming the parent launcher's pid in the child JVM. */
	public static final String PARENT_PID = "diffusionij.launcher.parent";

	private static final long FORCE_AFTER_NANOS = 2_000_000_000L;

	private final PrintStream err;
	private volatile DiffusionCommand running;
	private volatile String reason;
	private volatile int status;
	private volatile long firstAt;
	private final CountDownLatch finished = new CountDownLatch(1);

	CommandStop(PrintStream err) {
		this.err = err;
	}

	/** Catches the stop signals for this process and, in a relaunched child, watches the parent. */
	static CommandStop install(PrintStream err) {
		CommandStop stop = new CommandStop(err);
		List<String> caught = Signals.handle(stop::signalled, Signals.STOP);
		if (caught.isEmpty()) {
			// no signal handlers in this JVM: stop the command from a shutdown hook and give it time to finish
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				stop.request("the JVM is shutting down", 143);
				try {
					stop.finished.await(60, TimeUnit.SECONDS);
				}
				catch (InterruptedException e) {
					Thread.currentThread().interrupt();
				}
			}, "diffusionij-stop"));
		}
		String parent = System.getProperty(PARENT_PID);
		if (parent != null) stop.watchParent(parent);
		return stop;
	}

	/** Called when {@code command} is about to run; it is cancelled at once when a stop came first. */
	void started(DiffusionCommand command) {
		running = command;
		String r = reason;
		if (r != null) command.cancel(r);
	}

	/** Called when the launcher's work is over, before it exits. */
	void finished() {
		finished.countDown();
	}

	/** Whether a stop was requested. */
	boolean requested() {
		return reason != null;
	}

	/** 128 + the signal's number once a stop was requested, else 0. */
	int status() {
		return status;
	}

	void signalled(String name, int number) {
		if (reason != null) {
			if (name.equals("INT") && System.nanoTime() - firstAt >= FORCE_AFTER_NANOS) {
				err.println("Stopped at once (a second Ctrl-C).");
				err.flush();
				Runtime.getRuntime().halt(128 + number);
			}
			return;
		}
		request("SIG" + name, 128 + number);
	}

	synchronized void request(String why, int exitStatus) {
		if (reason != null) return;
		firstAt = System.nanoTime();
		status = exitStatus;
		reason = "Stopped (" + why + ").";
		err.println("Stopping (" + why + "): the command ends after its current step" + (why.equals("SIGINT") ?
			"; press Ctrl-C again to stop at once." : "."));
		err.flush();
		DiffusionCommand c = running;
		if (c != null) c.cancel(reason);
	}

	private void watchParent(String pid) {
		Optional<ProcessHandle> parent;
		try {
			parent = ProcessHandle.of(Long.parseLong(pid));
		}
		catch (NumberFormatException e) {
			return;
		}
		long parentPid = Long.parseLong(pid);
		Thread watch = new Thread(() -> {
			while (true) {
				boolean alive = parent.isPresent() && parent.get().isAlive() && ProcessHandle.current().parent().map(
					ProcessHandle::pid).orElse(-1L) == parentPid;
				if (!alive) {
					request("the launcher that started this JVM ended", 129);
					return;
				}
				try {
					Thread.sleep(250);
				}
				catch (InterruptedException e) {
					return;
				}
			}
		}, "diffusionij-parent-watch");
		watch.setDaemon(true);
		watch.start();
	}
}
