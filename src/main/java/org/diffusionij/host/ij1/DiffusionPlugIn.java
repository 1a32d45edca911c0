package org.diffusionij.host.ij1;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.macro.Interpreter;
import ij.plugin.PlugIn;
import java.awt.GraphicsEnvironment;
import java.util.LinkedHashMap;
import java.util.Map;
import org.diffusionij.host.CommandCall;
import org.diffusionij.host.CommandInputs;
import org.diffusionij.host.DiffusionCommand;
import org.diffusionij.host.DiffusionCommands;
import org.diffusionij.host.MacroOptions;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleItem;

/**
 * The ImageJ 1 entry of every Plugins › Diffusion command ({@code plugins.config} passes the SciJava command's
 * class name as the argument), so the commands work in plain ImageJ 1 with the same labels and the same macro
 * line as in Fiji.
 * <p>
 * With macro options ({@code run("label", "options")}) they are parsed as the launcher parses them; from the
 * menu, a dialog asks for the keys and ImageJ's Recorder records them. The input image is the current image
 * (or the open image titled by {@code image=}); the result is shown (in batch mode ImageJ keeps it hidden).
 * In Fiji this entry, not the SciJava command, is what the menu, the search bar and {@code run("label", …)}
 * reach: the commands are {@code visible = false}, which keeps imagej-legacy from putting them into ImageJ 1's
 * menus in place of these entries. So every host reads a macro line here, the same way: keys left out take the
 * documented defaults, nothing is remembered from earlier runs, an unknown key stops the macro with the list of
 * known keys, keys match exactly, a failure stops the macro with one message, and the command runs on the
 * calling thread with that thread's current image (the one {@code IJ.run(imp, …)} passes) and shows its
 * result there (in batch mode and headless, ImageJ registers it as the current image of the macro).
 * <p>
 * The commands run in Fiji's SciJava context when ImageJ 1 runs inside Fiji ({@link FijiContext}), else in one
 * context of this plugin's own, made on first use and shared by all commands.
 */
public class DiffusionPlugIn implements PlugIn {

	private static Context ownContext;

	@Override
	public void run(String commandClass) {
		// first, before SciJava or DJL look anything up: ImageJ 1 loads plugins in its own class loader
		Thread.currentThread().setContextClassLoader(DiffusionPlugIn.class.getClassLoader());
		String options = Macro.getOptions();
		String title = "Diffusion for ImageJ";
		try {
			Context ctx = context(commandClass);
			CommandInfo info = ctx.service(CommandService.class).getCommand(commandClass);
			if (info == null) throw new IllegalStateException("No SciJava command " + commandClass + ".");
			title = DiffusionCommands.label(info);
			Map<String, String> values;
			if (options != null) values = new LinkedHashMap<>(MacroOptions.parse(options).asMap());
			else if (CommandInputs.keys(info).isEmpty() || unattended()) values = new LinkedHashMap<>();
			else {
				values = InputDialog.show(title, CommandInputs.keys(info), CommandCall.dialogDefaults(ctx, info));
				if (values == null) return;
			}
			ImagePlus image = null;
			ModuleItem<?> imageInput = CommandInputs.imageInput(info);
			if (imageInput != null) {
				String imageTitle = values.remove(DiffusionCommand.IMAGE);
				image = imageTitle == null ? WindowManager.getCurrentImage() : WindowManager.getImage(imageTitle);
				if (image == null && imageTitle != null) {
					throw new IllegalArgumentException("There is no image titled \"" + imageTitle + "\".");
				}
			}
			ImagePlus result = CommandCall.run(ctx, info, values, image, "an open image");
			if (result != null) result.show();
		}
		catch (RuntimeException | LinkageError e) {
			String message = e.getMessage() == null ? e.toString() : e.getMessage();
			if (options == null) IJ.error(title, message);
			else {
				// a macro goes on no further, and no dialog blocks unattended runs
				IJ.log(title + ": " + message);
				Interpreter.abort();
			}
		}
	}

	/**
	 * With no options and no one to answer a dialog (headless, or a batch-mode macro), a command takes its
	 * defaults, as the headless launcher does.
	 */
	private static boolean unattended() {
		return GraphicsEnvironment.isHeadless() || Interpreter.isBatchMode();
	}

	/** Fiji's context when it knows the command, else the plugin's own. */
	private static Context context(String commandClass) {
		Context fiji = FijiContext.find();
		if (fiji != null) {
			CommandService commands = fiji.getService(CommandService.class);
			if (commands != null && commands.getCommand(commandClass) != null) return fiji;
		}
		return ownContext();
	}

	private static synchronized Context ownContext() {
		if (ownContext == null) ownContext = CommandCall.newContext();
		return ownContext;
	}
}
