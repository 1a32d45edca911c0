package org.diffusionij.io.safetensors;

import java.io.IOException;

/** A safetensors file that cannot be read, with a message that names the file and the problem. */
public class SafetensorsException extends IOException {

	private static final long serialVersionUID = 1L;

	public SafetensorsException(String message) {
		super(message);
	}

	public SafetensorsException(String message, Throwable cause) {
		super(message, cause);
	}
}
