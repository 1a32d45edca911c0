package org.diffusionij.host.ij1.legacy;

import org.scijava.Context;

/**
 * Stand-in for imagej-legacy's {@code net.imagej.legacy.LegacyService}, with the two members
 * {@link org.diffusionij.host.ij1.FijiContext} calls: the static {@code getInstance()} and {@code getContext()}.
 */
public final class LegacyService {

	private static LegacyService instance;
	private final Context context;

	private LegacyService(Context context) {
		this.context = context;
	}

	/** Makes the active service (null: none), as imagej-legacy does when it starts. */
	public static void activate(Context context) {
		instance = context == null ? null : new LegacyService(context);
	}

	public static LegacyService getInstance() {
		return instance;
	}

	public Context getContext() {
		return context;
	}
}
