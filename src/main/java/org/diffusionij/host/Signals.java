package org.diffusionij.host;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * Catches the signals that ask a process to stop (SIGINT from Ctrl-C, SIGTERM from {@code kill} and cluster
 * schedulers, SIGHUP when the terminal closes), so the launcher can stop the running command cleanly instead of
 * letting the JVM exit in the middle of it. Java has no public API for this; HotSpot's {@code sun.misc.Signal}
 * (module {@code jdk.unsupported}) is reached by reflection so that a JVM without it only loses the handlers. A
 * signal that was ignored when the JVM started (SIGHUP under {@code nohup}) stays ignored.
 */
final class Signals {

	/** Receives a caught signal: its name without "SIG" and its number. */
	interface Handler {
		void signalled(String name, int number);
	}

	/** The stop requests, in the order of their numbers: SIGHUP (1), SIGINT (2), SIGTERM (15). */
	static final String[] STOP = { "HUP", "INT", "TERM" };

	private Signals() {}

	/** Installs {@code handler} for the named signals; returns the names it was installed for. */
	static List<String> handle(Handler handler, String... names) {
		List<String> installed = new ArrayList<>();
		try {
			Class<?> signal = Class.forName("sun.misc.Signal");
			Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
			Constructor<?> create = signal.getConstructor(String.class);
			Method install = signal.getMethod("handle", signal, handlerType);
			Method name = signal.getMethod("getName");
			Method number = signal.getMethod("getNumber");
			Object proxy = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] { handlerType }, (p, m,
				a) -> {
				if (m.getName().equals("handle") && a != null && a.length == 1) {
					handler.signalled((String) name.invoke(a[0]), (Integer) number.invoke(a[0]));
					return null;
				}
				if (m.getName().equals("equals")) return p == a[0];
				if (m.getName().equals("hashCode")) return System.identityHashCode(p);
				return "stop handler";
			});
			for (String n : names) {
				try {
					install.invoke(null, create.newInstance(n), proxy);
					installed.add(n);
				}
				catch (InvocationTargetException e) {
					// in use by the JVM (-Xrs) or unknown on this system: that signal keeps its default
				}
			}
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
			// no sun.misc.Signal in this JVM: the default handling stays
		}
		return installed;
	}
}
