package org.diffusionij.host;

import ij.ImagePlus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.module.MethodCallException;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleRunner;
import org.scijava.module.ModuleService;

/**
 * Runs a Plugins › Diffusion command from macro options in a SciJava context: the one path shared by the
 * headless launcher and the ImageJ 1 entries, so both accept the same keys with the same meaning.
 * <p>
 * Inputs come only from the options and the fields' own defaults: no values remembered from earlier runs and no
 * dialogs (SciJava's pre-processors are not run), so a macro line gives the same result wherever it runs.
 */
public final class CommandCall {

	private CommandCall() {}

	/** A context with only what the commands need (no user interface, no legacy layer). */
	public static Context newContext() {
		return new Context(CommandService.class);
	}

	/** The default value of every macro key of a command (its field's initial value), by key. */
	public static Map<String, Object> defaults(Context context, CommandInfo info) {
		return defaults(context.service(ModuleService.class).createModule(info), info);
	}

	/** As {@link #defaults}, with what the command offers a person in its dialog ({@link DialogDefaults}). */
	public static Map<String, Object> dialogDefaults(Context context, CommandInfo info) {
		Module module = context.service(ModuleService.class).createModule(info);
		Map<String, Object> defaults = defaults(module, info);
		if (module.getDelegateObject() instanceof DialogDefaults) {
			defaults.putAll(((DialogDefaults) module.getDelegateObject()).dialogDefaults());
		}
		return defaults;
	}

	private static Map<String, Object> defaults(Module module, CommandInfo info) {
		Map<String, Object> defaults = new LinkedHashMap<>();
		for (ModuleItem<?> key : CommandInputs.keys(info)) {
			defaults.put(key.getName(), module.getInput(key.getName()));
		}
		return defaults;
	}

	/**
	 * Runs the command.
	 *
	 * @param options macro keys and their text values; every key must be one of the command's
	 * @param image the input image for commands that take one, else null (also when their image is optional)
	 * @param imageHint how the user gives the image in this host ("input=FILE", "an open image"), for the message
	 *          when a command needs one and none is given
	 * @return the command's output image, or null when it returns none
	 * @throws IllegalArgumentException when an option is unknown or has a wrong value, or the image is missing
	 * @throws IllegalStateException with the command's message when it failed or was cancelled
	 */
	public static ImagePlus run(Context context, CommandInfo info, Map<String, String> options, ImagePlus image,
		String imageHint)
	{
		return run(context, info, options, image, imageHint, null);
	}

	/**
	 * Runs the command as {@link #run(Context, CommandInfo, Map, ImagePlus, String)} does, handing it to
	 * {@code starting} (or null) just before it runs, so that a host can cancel it from another thread (the
	 * launcher on SIGINT or SIGTERM).
	 */
	public static ImagePlus run(Context context, CommandInfo info, Map<String, String> options, ImagePlus image,
		String imageHint, Consumer<DiffusionCommand> starting)
	{
		String label = DiffusionCommands.label(info);
		Module module = context.service(ModuleService.class).createModule(info);
		try {
			module.initialize();
		}
		catch (MethodCallException e) {
			throw new IllegalStateException(label + " could not start: " + e.getMessage(), e);
		}
		setInputs(module, info, label, options);
		ModuleItem<?> imageInput = CommandInputs.imageInput(info);
		if (imageInput != null) {
			if (image == null && imageInput.isRequired()) {
				throw new IllegalArgumentException("\"" + label + "\" needs " + imageHint + ".");
			}
			module.setInput(imageInput.getName(), image);
			module.resolveInput(imageInput.getName());
		}
		DiffusionCommand command = (DiffusionCommand) ((CommandModule) module).getCommand();
		command.setHostReportsErrors(true);
		if (starting != null) starting.accept(command);
		new ModuleRunner(context, module, null, null).run();
		if (command.isCanceled()) throw new IllegalStateException(command.getCancelReason());
		ModuleItem<?> output = CommandInputs.imageOutput(info);
		return output == null ? null : (ImagePlus) module.getOutput(output.getName());
	}

	private static void setInputs(Module module, CommandInfo info, String label, Map<String, String> options) {
		Map<String, ModuleItem<?>> keys = new LinkedHashMap<>();
		for (ModuleItem<?> key : CommandInputs.keys(info)) keys.put(key.getName(), key);
		for (Map.Entry<String, String> option : options.entrySet()) {
			ModuleItem<?> key = keys.get(option.getKey());
			if (key == null) {
				List<String> names = new ArrayList<>(keys.keySet());
				String lower = MacroOptions.trimKey(option.getKey());
				if (keys.containsKey(lower)) {
					throw new IllegalArgumentException("Macro keys are lower case: write " + lower + "=, not " +
						option.getKey() + "= (ImageJ would ignore it).");
				}
				throw new IllegalArgumentException("\"" + label + "\" has no key '" + option.getKey() + "'. " +
					(names.isEmpty() ? "It takes no options." : "Its keys are: " + String.join(", ", names) + "."));
			}
			module.setInput(key.getName(), CommandInputs.convert(key, option.getValue()));
		}
		for (String name : keys.keySet()) module.resolveInput(name);
	}
}
