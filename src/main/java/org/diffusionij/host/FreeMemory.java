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
}
