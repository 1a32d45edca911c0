package org.diffusionij.host;

/**
 * The one line a user reads when a command fails: the exception's own message, or for running out of Java
 * memory, what happened and what to do, never a stack trace.
 */
public final class FailureMessage {

	private FailureMessage() {}

	public static String of(Throwable e) {
		if (e instanceof OutOfMemoryError) {
			return "Out of Java memory (" + e.getMessage() + "); the heap holds at most " + HeapCheck.size(Runtime
				.getRuntime().maxMemory()) + ". Give Java more memory (java -Xmx, or Edit > Options > Memory & " +
				"Threads), or use a smaller image, tile or batch.";
		}
		return e.getMessage() == null ? e.toString() : e.getMessage();
	}
}
