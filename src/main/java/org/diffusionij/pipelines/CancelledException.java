package org.diffusionij.pipelines;

/** Thrown by a pipeline that stopped because the user cancelled; commands return no result then. */
public class CancelledException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public CancelledException() {
		super("Cancelled by the user.");
	}
}
