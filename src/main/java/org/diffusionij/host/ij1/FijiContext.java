package org.diffusionij.host.ij1;

import ij.IJ;
import java.lang.reflect.Field;
import org.scijava.Context;

/**
 * The SciJava context of the Fiji this ImageJ 1 runs in, found without depending on imagej-legacy: in Fiji,
 * imagej-legacy patches ImageJ 1 (through ij1-patcher) so that {@code ij.IJ} has a static field {@code _hooks}
 * holding its {@code net.imagej.legacy.DefaultLegacyHooks}, and {@code net.imagej.legacy.LegacyService}
 * offers the one active service through its static {@code getInstance()}; the service's {@code getContext()}
 * is Fiji's context. Plain ImageJ 1 has no {@code _hooks} field, and nothing is loaded or initialised then.
 * <p>
 * {@code ij.IJ.runPlugIn("org.scijava.Context", "")}, which imagej-legacy's hooks answer with the context, is
 * not used: in plain ImageJ 1 it would instantiate a new, full context.
 */
final class FijiContext {

	/** The class imagej-legacy's context is reached through. */
	static final String LEGACY_SERVICE = "net.imagej.legacy.LegacyService";

	private FijiContext() {}

	/** Fiji's context, or null in plain ImageJ 1 or before imagej-legacy has started. */
	static Context find() {
		return fromHooks(hooks(IJ.class), LEGACY_SERVICE);
	}

	/** The value of {@code host._hooks}, or null when the class has no such field (ImageJ 1 not patched). */
	static Object hooks(Class<?> host) {
		try {
			Field f = host.getField("_hooks");
			return f.get(null);
		}
		catch (NoSuchFieldException | IllegalAccessException | SecurityException e) {
			return null;
		}
	}

	/**
	 * The context of the active legacy service, when {@code hooks} were installed by the package of
	 * {@code serviceClass} (which is then loaded and initialised already: it installed them); else null.
	 */
	static Context fromHooks(Object hooks, String serviceClass) {
		if (hooks == null) return null;
		String pkg = serviceClass.substring(0, serviceClass.lastIndexOf('.') + 1);
		if (!hooks.getClass().getName().startsWith(pkg)) return null;
		try {
			Class<?> service = Class.forName(serviceClass, true, hooks.getClass().getClassLoader());
			Object legacy = service.getMethod("getInstance").invoke(null);
			if (legacy == null) return null;
			Object context = service.getMethod("getContext").invoke(legacy);
			return context instanceof Context ? (Context) context : null;
		}
		catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
			return null;
		}
	}
}
