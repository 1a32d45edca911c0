package org.diffusionij.host.ij1;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.diffusionij.host.CommandCall;
import org.diffusionij.host.CommandInputs;
import org.diffusionij.host.DiffusionCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.MenuPath;
import org.scijava.UIDetails;
import org.scijava.command.Command;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleInfo;
import org.scijava.module.ModuleItem;

/**
 * What Fiji shows of the plugin, by the rules Fiji applies, read from its sources: the plugin's commands
 * loaded into a SciJava context from the plugin index (as Fiji loads them), then
 * <ul>
 * <li>imagej-legacy's menu sync: {@code LegacyService.getScriptsAndNonLegacyCommands()} takes every command
 * whose {@code menuRoot} is {@link UIDetails#APPLICATION_MENU_ROOT}, with a non-empty menu path, without the
 * {@code no-legacy} attribute and with {@code @Plugin(visible = true)}; {@code IJ1Helper.addMenuItems()} then
 * puts each into ImageJ 1's command table under its menu label, replacing ("Overriding …") the
 * {@code plugins.config} entry of the same label;</li>
 * <li>the search bar: scijava-search's {@code ModuleSearcher} lists every module that is visible, enabled and
 * has a title (its label or menu leaf), beside the ImageJ 1 commands, which imagej-legacy's
 * {@code LegacyCommandFinder} makes into modules from ImageJ 1's command table.</li>
 * </ul>
 */
class FijiMenusTest {

	private static final Pattern ENTRY = Pattern.compile("([^,]+), \"([^\"]+)\", (.+)");

	private Context context;

	@BeforeEach
	void load() {
		context = CommandCall.newContext();
	}

	@AfterEach
	void dispose() {
		context.dispose();
	}

	/** {@code LegacyService.getScriptsAndNonLegacyCommands()}'s test for a command. */
	static boolean menuSyncTakes(CommandInfo info) {
		return UIDetails.APPLICATION_MENU_ROOT.equals(info.getMenuRoot()) && info.getMenuPath().size() > 0 &&
			!info.is("no-legacy") && info.getAnnotation().visible();
	}

	/** {@code ModuleSearcher.isGoodModule}: listed by the search bar. */
	static boolean searchBarLists(ModuleInfo info) {
		return info.isVisible() && info.isEnabled() && title(info) != null;
	}

	/** {@code ModuleSearcher.title}: the label, else the menu leaf's name, else null. */
	static String title(ModuleInfo info) {
		String label = info.getLabel();
		if (label != null && !label.isEmpty()) return label;
		MenuPath path = info.getMenuPath();
		if (path != null && path.size() > 0 && path.getLeaf().getName() != null &&
			!path.getLeaf().getName().isEmpty()) return path.getLeaf().getName();
		return null;
	}

	/** ImageJ 1's command table as it reads the {@code plugins.config} files on the class path: label → plugin. */
	private static Hashtable<String, String> imageJ1Commands() throws IOException {
		Hashtable<String, String> table = new Hashtable<>();
		for (URL config : Collections.list(FijiMenusTest.class.getClassLoader().getResources("plugins.config"))) {
			try (BufferedReader r = new BufferedReader(new InputStreamReader(config.openStream(),
				StandardCharsets.UTF_8)))
			{
				for (String line = r.readLine(); line != null; line = r.readLine()) {
					if (line.startsWith("#") || line.trim().isEmpty()) continue;
					Matcher m = ENTRY.matcher(line);
					assertTrue(m.matches(), line);
					assertNull(table.put(m.group(2), m.group(3)), "one entry per label: " + m.group(2));
				}
			}
		}
		return table;
	}

	private List<CommandInfo> ourCommands() {
		return DiffusionCommands.list(context.service(CommandService.class));
	}

	@Test
	void fijiRunsThePluginsConfigEntryOfEveryCommand() throws Exception {
		Hashtable<String, String> table = imageJ1Commands();
		Map<String, String> before = new HashMap<>(table);
		// IJ1Helper.addMenuItems, over every command of the context
		List<String> overridden = new ArrayList<>();
		for (CommandInfo info : context.service(CommandService.class).getCommandsOfType(Command.class)) {
			if (!menuSyncTakes(info)) continue;
			String label = info.getMenuPath().getLeaf().getName();
			if (table.containsKey(label)) overridden.add(label);
			table.put(label, info.getIdentifier());
		}
		assertEquals(Collections.emptyList(), overridden, "SciJava commands replacing ImageJ 1 entries");
		assertFalse(ourCommands().isEmpty());
		for (CommandInfo info : ourCommands()) {
			String label = DiffusionCommands.label(info);
			assertEquals("org.diffusionij.host.ij1.DiffusionPlugIn(\"" + info.getClassName() + "\")", table.get(label),
				label);
			assertEquals(before.get(label), table.get(label), label);
		}
	}

	@Test
	void theSearchBarListsEachCommandOnce() throws Exception {
		Hashtable<String, String> table = imageJ1Commands();
		for (CommandInfo info : ourCommands()) {
			String label = DiffusionCommands.label(info);
			int listed = table.containsKey(label) ? 1 : 0; // the ImageJ 1 command, a visible LegacyCommandInfo
			for (CommandInfo other : context.service(CommandService.class).getCommands()) {
				if (searchBarLists(other) && label.equals(title(other))) listed++;
			}
			assertEquals(1, listed, label);
		}
	}

	@Test
	void theRulesPickAnOrdinaryVisibleCommand() {
		CommandInfo control = context.service(CommandService.class).getCommand(VisibleControlCommand.class);
		assertNotNull(control);
		assertTrue(menuSyncTakes(control), "imagej-legacy would put it into ImageJ 1's menus");
		assertTrue(searchBarLists(control), "the search bar would list it");
		for (CommandInfo info : ourCommands()) {
			assertFalse(menuSyncTakes(info), info.getClassName());
			assertFalse(searchBarLists(info), info.getClassName());
		}
	}

	@Test
	void noKeyIsRemembered() {
		for (CommandInfo info : ourCommands()) {
			for (ModuleItem<?> key : CommandInputs.keys(info)) {
				assertFalse(key.isPersisted(), DiffusionCommands.label(info) + ": " + key.getName());
			}
		}
	}
}
