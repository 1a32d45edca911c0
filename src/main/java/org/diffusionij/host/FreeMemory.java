package org.diffusionij.host;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;

/**
 * Physical memory a new computation can use now. Tensors live outside the Java heap, so this is the system's
 * figure: Linux's {@code MemAvailable} (free plus reclaimable caches), elsewhere the free physical memory that
 * the JVM's {@code OperatingSystemMXBean} reports.
 */
final class FreeMemory {

	private FreeMemory() {}

	/** Bytes available, or {@link Long#MAX_VALUE} when the system does not say. */
	static long available() {
		try {
			for (String line : Files.readAllLines(Paths.get("/proc/meminfo"), StandardCharsets.US_ASCII)) {
				if (line.startsWith("MemAvailable:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
				}
			}
		}
		catch (IOException | NumberFormatException e) {
			// not Linux: ask the JVM below
		}
		java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		if (os instanceof com.sun.management.OperatingSystemMXBean) {
			return ((com.sun.management.OperatingSystemMXBean) os).getFreePhysicalMemorySize();
		}
		return Long.MAX_VALUE;
	}

	/**
	 * Free memory of NVIDIA GPU {@code index} as {@code nvidia-smi} (installed with the driver) reports it, or
	 * {@link Long#MAX_VALUE} when it cannot be asked.
	 */
	static long gpuAvailable(int index) {
		try {
			Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=memory.free", "--format=csv,noheader,nounits",
				"-i", Integer.toString(index)).redirectErrorStream(true).start();
			String out;
			try (java.io.InputStream in = p.getInputStream()) {
				out = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
			}
			if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) return Long.MAX_VALUE;
			return parseMiB(out);
		}
		catch (IOException e) {
			return Long.MAX_VALUE;
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return Long.MAX_VALUE;
		}
	}

	/** Bytes of the first line of an {@code nvidia-smi} MiB figure, or {@link Long#MAX_VALUE}. */
	static long parseMiB(String out) {
		String first = out.trim().split("\\R", 2)[0].trim();
		return first.matches("\\d+") ? Long.parseLong(first) << 20 : Long.MAX_VALUE;
	}
}
