package org.diffusionij.host;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleItem;
import org.junit.jupiter.api.Test;

/** Every command follows the macro-key convention, and every ImageJ 1 entry names a command of its label. */
class CommandConventionTest {

	private static final Pattern ENTRY =
		Pattern.compile("Plugins>Diffusion, \"([^\"]+)\", org\\.diffusionij\\.host\\.ij1\\.DiffusionPlugIn\\(\"([^\"]+)\"\\)");

	@Test
	void keysAreLowerCaseAndImagesUseTheSharedNames() throws Exception {
		Context context = CommandCall.newContext();
		try {
			List<CommandInfo> commands = DiffusionCommands.list(context.service(CommandService.class));
			assertTrue(commands.size() >= 2, "Engine Info and the test command are found");
			for (CommandInfo info : commands) {
				assertTrue(DiffusionCommand.class.isAssignableFrom(info.loadClass()), info.getClassName());
				for (ModuleItem<?> key : CommandInputs.keys(info)) {
					assertTrue(key.getName().matches("[a-z][a-z0-9_]*"), info.getTitle() + ": " + key.getName());
					assertFalse(key.getName().equals(Launcher.INPUT) || key.getName().equals(Launcher.OUTPUT),
						"input and output are the launcher's file keys: " + info.getTitle());
				}
				ModuleItem<?> image = CommandInputs.imageInput(info);
				if (image != null) assertEquals(DiffusionCommand.IMAGE, image.getName());
				ModuleItem<?> result = CommandInputs.imageOutput(info);
				if (result != null) assertEquals(DiffusionCommand.RESULT, result.getName());
			}
		}
		finally {
			context.dispose();
		}
	}

	@Test
	void imageJ1EntriesMatchTheCommands() throws Exception {
		Context context = CommandCall.newContext();
		try {
			CommandService commands = context.service(CommandService.class);
			List<String> labels = new ArrayList<>();
			for (URL config : Collections.list(getClass().getClassLoader().getResources("plugins.config"))) {
				for (String line : lines(config)) {
					if (line.startsWith("#") || line.trim().isEmpty()) continue;
					Matcher m = ENTRY.matcher(line);
					assertTrue(m.matches(), config + ": " + line);
					CommandInfo info = DiffusionCommands.find(commands, m.group(1));
					assertEquals(m.group(2), info.getClassName(), line);
					labels.add(m.group(1));
				}
			}
			assertTrue(labels.contains(EngineInfoCommand.LABEL), labels.toString());
		}
		finally {
			context.dispose();
		}
	}

	@Test
	void everyCommandHasAnImageJ1EntryItsLabelConstantAndRunsHeadless() throws Exception {
		Context context = CommandCall.newContext();
		try {
			List<String> entries = new ArrayList<>();
			for (URL config : Collections.list(getClass().getClassLoader().getResources("plugins.config"))) {
				for (String line : lines(config)) {
					Matcher m = ENTRY.matcher(line);
					if (m.matches()) entries.add(m.group(1));
				}
			}
			for (CommandInfo info : DiffusionCommands.list(context.service(CommandService.class))) {
				String label = DiffusionCommands.label(info);
				assertTrue(entries.contains(label), label + " has no plugins.config entry");
				assertEquals(label, info.loadClass().getField("LABEL").get(null), info.getClassName());
				assertEquals(DiffusionCommand.MENU + label, info.getMenuPath().getMenuString(true).replace(" > ", ">"));
				assertTrue(info.canRunHeadless(), label + " runs headless");
			}
		}
		finally {
			context.dispose();
		}
	}

	private static List<String> lines(URL url) throws IOException {
		List<String> lines = new ArrayList<>();
		try (BufferedReader r = new BufferedReader(new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
			for (String line = r.readLine(); line != null; line = r.readLine()) lines.add(line);
		}
		return lines;
	}
}
