package org.diffusionij.io.safetensors;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds safetensors files byte by byte for tests, and measures what the reader allocates. */
final class SafetensorsFiles {

	private SafetensorsFiles() {}

	/** A file with the given header length field, header bytes and data section. */
	static Path write(Path file, long lengthField, byte[] header, byte[] data) throws IOException {
		ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
		b.putLong(lengthField).put(header).put(data);
		Files.write(file, b.array());
		return file;
	}

	/** A file whose header is {@code json} (length field correct) followed by {@code dataBytes} zero bytes. */
	static Path write(Path file, String json, int dataBytes) throws IOException {
		byte[] h = json.getBytes(StandardCharsets.UTF_8);
		return write(file, h.length, h, new byte[dataBytes]);
	}

	/** The message of the SafetensorsException that opening {@code file} throws; fails if it opens. */
	static String openError(Path file) {
		try (SafetensorsReader r = SafetensorsReader.open(file)) {
			throw new AssertionError(file.getFileName() + " opened although it is invalid: " + r.tensors());
		}
		catch (SafetensorsException e) {
			return e.getMessage();
		}
		catch (IOException e) {
			throw new AssertionError("not a SafetensorsException: " + e, e);
		}
	}

	/** Bytes allocated on the Java heap by the current thread so far (HotSpot's per-thread counter). */
	static long allocatedBytes() {
		return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getThreadAllocatedBytes(
			Thread.currentThread().getId());
	}
}
