package org.diffusionij.engine;

/** A failure with a message meant for the user (what went wrong and what to do). */
public class EngineException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public EngineException(String message) {
		super(message);
	}

	public EngineException(String message, Throwable cause) {
		super(message, cause);
	}
}
