package org.diffusionij.recipes;

import ij.IJ;
import ij.ImagePlus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Locale;
import org.diffusionij.host.CommandCall;
import org.diffusionij.host.DenoiseCommand;
import org.diffusionij.host.DiffusionCommands;
import org.diffusionij.host.MacroOptions;
import org.diffusionij.nn.UNetBenchmark;
import org.scijava.Context;
import org.scijava.command.CommandService;

/**
 * Page faults of Denoise Image as Fiji runs it: in a JVM started without {@code MALLOC_ARENA_MAX} (no launcher
 * relaunch), on a thread of its own (its own malloc arena), twice on the same image. Prints wall time, minor
 * faults ({@code /proc/self/stat} field 10) and peak RSS per run. Run once as is and once with
 * {@code -Ddiffusionij.malloc.keep=false} to see what keeping freed memory in the process does:
 * <pre>
 * java -cp ... org.diffusionij.recipes.InFijiFaultsBenchmark NOISY.tif [options]
 * </pre>
 */
public final class InFijiFaultsBenchmark {

	private InFijiFaultsBenchmark() {}

	public static void main(String[] args) throws Exception {
		ImagePlus image = IJ.openImage(args[0]);
		String options = args.length > 1 ? args[1] : "";
		Context context = CommandCall.newContext();
		try {
			for (int run = 1; run <= 2; run++) {
				long[] m = new long[2];
				Thread t = new Thread(() -> {
					m[0] = minorFaults();
					long t0 = System.nanoTime();
					CommandCall.run(context, DiffusionCommands.find(context.service(CommandService.class),
						DenoiseCommand.LABEL), MacroOptions.parse(options).asMap(), image, "an image");
					m[1] = System.nanoTime() - t0;
					m[0] = minorFaults() - m[0];
				}, "command-thread-" + run);
				t.start();
				t.join();
				System.out.printf(Locale.ROOT, "run %d (malloc.keep=%s): %.1f s, %d minor faults, peak RSS %d MiB%n", run,
					System.getProperty("diffusionij.malloc.keep", "default"), m[1] / 1e9, m[0], UNetBenchmark.peakRssMiB());
			}
		}
		finally {
			context.dispose();
		}
		System.exit(0);
	}

	/** Minor page faults of this process so far: field 10 of {@code /proc/self/stat}. */
	static long minorFaults() {
		try {
			String stat = new String(Files.readAllBytes(Paths.get("/proc/self/stat")), StandardCharsets.US_ASCII);
			String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return Long.parseLong(f[7]); // fields from 3 on: 10 is index 7
		}
		catch (Exception e) {
			return -1;
		}
	}
}
