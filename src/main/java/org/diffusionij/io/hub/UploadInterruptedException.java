package org.diffusionij.io.hub;

import java.io.IOException;

/**
 * An upload that stopped before its commit for a reason that running it again overcomes (the connection broke,
 * the server stayed busy, the user cancelled). Nothing was committed; the large files that reached the Hub's
 * storage stay there, so the next run sends only what is missing.
 */
public final class UploadInterruptedException extends IOException {

	private static final long serialVersionUID = 1L;

	public UploadInterruptedException(String message, Throwable cause) {
		super(message, cause);
	}
}
