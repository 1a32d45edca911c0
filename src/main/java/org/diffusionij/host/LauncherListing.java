package org.diffusionij.host;

import java.io.PrintStream;
import java.util.Map;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleItem;

/** The launcher's {@code --list}: every Plugins › Diffusion command with its keys, types and defaults. */
final class LauncherListing {

	private LauncherListing() {}

	static void print(Context context, CommandService commands, PrintStream out) {
		for (CommandInfo info : DiffusionCommands.list(commands)) {
			out.println(DiffusionCommands.label(info));
			if (CommandInputs.imageInput(info) != null) {
				out.println("    " + Launcher.INPUT + "=FILE  the input image (any format ImageJ opens)");
			}
			if (CommandInputs.imageOutput(info) != null) {
				out.println("    " + Launcher.OUTPUT + "=FILE  where the result is saved (TIFF)");
			}
			Map<String, Object> defaults = CommandCall.defaults(context, info);
			for (ModuleItem<?> key : CommandInputs.keys(info)) {
				Object value = defaults.get(key.getName());
				String description = key.getDescription();
				out.println("    " + key.getName() + "  " + CommandInputs.typeName(key) +
					(value == null ? "" : ", default " + MacroOptions.format(key.getName(), value.toString())) +
					(description == null || description.isEmpty() ? "" : "; " + description));
			}
			if (CommandInputs.keys(info).isEmpty() && CommandInputs.imageInput(info) == null) {
				out.println("    (no keys)");
			}
		}
	}
}
