package org.diffusionij.io.hub;

import java.io.IOException;

/**
 * A download that stopped part way for a reason that running it again overcomes (the connection broke, the
 * server was busy, the user cancelled): the verified files and partial bytes stay in the staging folder so that
 * the next run resumes. Any other failure removes the staging folder.
 */
public final class DownloadInterruptedException extends IOException {

	private static final long serialVersionUID = 1L;

	public DownloadInterruptedException(String message, Throwable cause) {
		super(message, cause);
	}
}
