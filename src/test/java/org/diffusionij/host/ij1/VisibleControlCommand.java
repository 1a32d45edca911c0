package org.diffusionij.host.ij1;

import org.scijava.command.Command;
import org.scijava.plugin.Plugin;

/**
 * A test-only command declared as SciJava commands usually are (visible, in the application menu), outside
 * Plugins › Diffusion: the control that shows {@link FijiMenusTest}'s rules do pick such a command.
 */
@Plugin(type = Command.class, menuPath = "Help>Diffusion Test>Visible Control", headless = true)
public class VisibleControlCommand implements Command {

	@Override
	public void run() {}
}
