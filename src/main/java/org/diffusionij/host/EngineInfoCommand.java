package org.diffusionij.host;

import ij.IJ;
import org.diffusionij.engine.DiffusionEngine;
import org.scijava.command.Command;
import org.scijava.plugin.Plugin;

/**
 * Plugins › Diffusion › Diffusion Engine Info: starts the engine and writes what a bug report needs (engine and
 * DJL versions, libtorch location, device, threads, the oneDNN guard's state, memory, Java) to ImageJ's Log
 * window; without a window (headless, the launcher) the same text goes to standard output.
 */
@Plugin(type = Command.class, menuPath = DiffusionCommand.MENU + EngineInfoCommand.LABEL, headless = true,
	visible = false)
public class EngineInfoCommand extends DiffusionCommand {

	/** The menu label, which is also the name in {@code run("Diffusion Engine Info")}. */
	public static final String LABEL = "Diffusion Engine Info";

	@Override
	protected void execute() {
		String version = EngineInfoCommand.class.getPackage().getImplementationVersion();
		IJ.log("Diffusion for ImageJ " + (version == null ? "(development build)" : version));
		IJ.log(DiffusionEngine.info().trim());
	}
}
