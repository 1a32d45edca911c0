package org.diffusionij.engine;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Sets variables in the process environment of the running JVM, so that native libraries loaded later
 * (libtorch, OpenMP, oneDNN) read them. {@code System.getenv} is a snapshot taken at JVM start and does not
 * see these changes; {@link #get} asks the C library instead.
 */
public final class NativeEnv {

	private interface CLib extends Library {
		int setenv(String name, String value, int overwrite);

		String getenv(String name);
	}

	private interface MsvcRt extends Library {
		int _putenv_s(String name, String value);

		String getenv(String name);
	}

	private NativeEnv() {}

	/** The value the native C library sees now, or null. */
	public static String get(String name) {
		try {
			if (Platform.isWindows()) return Native.load("msvcrt", MsvcRt.class).getenv(name);
			return Native.load("c", CLib.class).getenv(name);
		}
		catch (LinkageError e) {
			return System.getenv(name);
		}
	}

	/**
	 * Sets {@code name=value} unless the variable already has a value (the user's own setting wins).
	 *
	 * @return true if this call set it
	 */
	public static boolean setIfAbsent(String name, String value) {
		if (get(name) != null) return false;
		try {
			if (Platform.isWindows()) return Native.load("msvcrt", MsvcRt.class)._putenv_s(name, value) == 0;
			return Native.load("c", CLib.class).setenv(name, value, 0) == 0;
		}
		catch (LinkageError e) {
			return false;
		}
	}
}
