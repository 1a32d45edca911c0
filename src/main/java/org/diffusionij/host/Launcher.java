package org.diffusionij.host;

import ij.IJ;
import ij.ImagePlus;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleItem;

/**
 * Runs Plugins › Diffusion commands without ImageJ's windows, for batch scripts and cluster nodes. It is the
 * plugin jar's {@code Main-Class}:
 *
 * <pre>
 * java -cp "Diffusion_for_ImageJ.jar:jars/*" org.diffusionij.host.Launcher --run "label" "options"
 * </pre>
 *
 * The options are ImageJ macro syntax exactly as in {@code run("label", "options")}; {@code input=FILE} opens
 * the input image and {@code output=FILE} saves the result as TIFF. Exit status 0 means success; any failure
 * prints its message on stderr (with the stack trace only under {@code --debug}) and exits with 1, a wrong
 * command line with 2.
 */
public final class Launcher {

	/** Launcher key: the image file to open as the command's input. */
	public static final String INPUT = "input";

	/** Launcher key: the TIFF file the command's result is saved to. */
	public static final String OUTPUT = "output";

	private static final String USAGE = String.join("\n",
		"Usage: java -cp \"<plugin jar>:<jars folder>/*\" org.diffusionij.host.Launcher [--debug] COMMAND",
		"  --run \"<label>\" \"<options>\"  run a command; options as in the macro run(\"<label>\", \"<options>\"):",
		"                              key=value key=[value with spaces]; input=FILE opens the input image,",
		"                              output=FILE saves the result as TIFF",
		"  --list                      list the commands and their keys",
		"  --help                      show this help",
		"  --debug                     print stack traces of failures",
		"Exit status: 0 success, 1 the command failed, 2 wrong command line.");

	private Launcher() {}

	/**
	 * Runs the command line, in a child JVM with one malloc arena where that helps ({@link ArenaRelaunch}).
	 * SIGINT, SIGTERM and SIGHUP stop the command as Cancel does and exit with 128 + the signal's number
	 * ({@link CommandStop}).
	 */
	public static void main(String[] args) {
		int status = ArenaRelaunch.relaunch(Launcher.class, args);
		if (status < 0) {
			CommandStop stop = CommandStop.install(System.err);
			status = run(args, System.out, System.err, stop);
			if (status != 0 && stop.requested()) status = stop.status();
			stop.finished();
		}
		System.exit(status);
	}

	/** Runs the command line and returns the exit status (tests call this instead of {@link #main}). */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		return run(args, out, err, null);
	}

	private static int run(String[] args, PrintStream out, PrintStream err, CommandStop stop) {
		boolean debug = false;
		int a = 0;
		if (a < args.length && args[a].equals("--debug")) {
			debug = true;
			a++;
		}
		String command = a < args.length ? args[a] : "--help";
		int rest = args.length - a - 1;
		boolean usageOk = command.equals("--run") ? rest == 1 || rest == 2 : rest == 0;
		if (!usageOk || !(command.equals("--run") || command.equals("--list") || command.equals("--help"))) {
			err.println("Unknown command line: " + String.join(" ", args));
			err.println(USAGE);
			return 2;
		}
		if (command.equals("--help")) {
			out.println(USAGE);
			return 0;
		}
		if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
		// DJL logs through SLF4J; without a logging backend, keep its start-up notice off stderr
		if (System.getProperty("slf4j.internal.verbosity") == null) {
			System.setProperty("slf4j.internal.verbosity", "ERROR");
		}
		Context context = CommandCall.newContext();
		try {
			CommandService commands = context.service(CommandService.class);
			if (command.equals("--list")) LauncherListing.print(context, commands, out);
			else runCommand(context, commands, args[a + 1], rest == 2 ? args[a + 2] : "", out, stop);
			return 0;
		}
		catch (RuntimeException | LinkageError | OutOfMemoryError e) {
			err.println(FailureMessage.of(e));
			if (debug) e.printStackTrace(err);
			return 1;
		}
		finally {
			context.dispose();
		}
	}

	private static void runCommand(Context context, CommandService commands, String label, String optionText,
		PrintStream out, CommandStop stop)
	{
		CommandInfo info = DiffusionCommands.find(commands, label);
		Map<String, String> options = new LinkedHashMap<>(MacroOptions.parse(optionText).asMap());
		ModuleItem<?> imageInput = CommandInputs.imageInput(info);
		ModuleItem<?> imageOutput = CommandInputs.imageOutput(info);
		String input = imageInput == null ? null : options.remove(INPUT);
		String output = imageOutput == null ? null : options.remove(OUTPUT);
		if (imageOutput != null && output == null) {
			throw new IllegalArgumentException("\"" + label + "\" needs output=FILE (where to save the result).");
		}
		File inputFile = input == null ? null : new File(input);
		if (inputFile != null && !inputFile.isFile()) {
			throw new IllegalArgumentException("input=" + inputFile + ": no such file.");
		}
		if (output != null) OutputPaths.checkFile(OUTPUT, Paths.get(output), readPaths(inputFile, options));
		ImagePlus image = inputFile == null ? null : open(inputFile);
		ImagePlus result = CommandCall.run(context, info, options, image, "input=FILE (the image to work on)",
			stop == null ? null : stop::started);
		if (result == null && output != null) {
			throw new IllegalStateException("\"" + label + "\" returned no image; nothing was saved.");
		}
		if (result != null) {
			TiffOutput.save(result, new File(output));
			out.println("Saved " + output);
		}
	}

	/** What the command reads: the input file and every option that names an existing file or folder. */
	private static Map<String, Path> readPaths(File input, Map<String, String> options) {
		Map<String, Path> paths = new LinkedHashMap<>();
		if (input != null) paths.put(INPUT, input.toPath());
		for (Map.Entry<String, String> o : options.entrySet()) {
			try {
				Path p = Paths.get(o.getValue().trim());
				if (!o.getValue().trim().isEmpty() && Files.exists(p)) paths.put(o.getKey(), p);
			}
			catch (InvalidPathException e) {
				// not a path
			}
		}
		return paths;
	}

	private static ImagePlus open(File file) {
		ImageHeader.checkFits(file, "input=" + file);
		ImagePlus image = IJ.openImage(file.getPath());
		if (image == null) {
			throw new IllegalArgumentException("input=" + file + ": ImageJ cannot open this file as an image.");
		}
		return image;
	}
}
