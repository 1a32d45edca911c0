package org.diffusionij.host;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.scijava.MenuEntry;
import org.scijava.MenuPath;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

/**
 * Finds the Plugins › Diffusion commands in SciJava's plugin index by their menu label, the name that
 * {@code run("label", "options")} uses in macros and that the launcher's {@code --run} takes.
 */
public final class DiffusionCommands {

	private DiffusionCommands() {}

	/** All commands under Plugins › Diffusion, sorted by label. */
	public static List<CommandInfo> list(CommandService commands) {
		List<CommandInfo> found = new ArrayList<>();
		for (CommandInfo info : commands.getCommands()) {
			MenuPath path = info.getMenuPath();
			if (path != null && path.size() == 3 && path.get(0).getName().equals("Plugins") &&
				path.get(1).getName().equals("Diffusion"))
			{
				found.add(info);
			}
		}
		found.sort(Comparator.comparing(DiffusionCommands::label));
		return found;
	}

	/** The menu label of a command: the last entry of its menu path. */
	public static String label(CommandInfo info) {
		MenuEntry leaf = info.getMenuPath().getLeaf();
		return leaf.getName();
	}

	/**
	 * The command with this label.
	 *
	 * @throws IllegalArgumentException naming the labels that exist
	 */
	public static CommandInfo find(CommandService commands, String label) {
		List<CommandInfo> all = list(commands);
		List<String> labels = new ArrayList<>();
		for (CommandInfo info : all) {
			if (label(info).equals(label)) return info;
			labels.add(label(info));
		}
		throw new IllegalArgumentException("There is no command \"" + label + "\". The commands are: " +
			String.join(", ", labels) + ".");
	}
}
