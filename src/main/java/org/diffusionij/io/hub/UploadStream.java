package org.diffusionij.io.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * The bytes of one upload request (a whole file, or one part of a multipart upload) read from the file as they
 * are sent, reporting the bytes sent so far of the whole upload and stopping the request when the user cancels.
 */
final class UploadStream extends InputStream {

	/** Counts the bytes of the whole upload and says whether to stop. */
	interface Meter {
		void sent(String path, long bytesOfThisRequest, long requestStart);

		boolean isCancelled();
	}

	private final InputStream in;
	private final String path;
	private final long start;
	private final Meter meter;
	private long left, sent;

	UploadStream(UploadFile f, long offset, long length, Meter meter) throws IOException {
		FileChannel ch = FileChannel.open(f.file, StandardOpenOption.READ);
		ch.position(offset);
		this.in = Channels.newInputStream(ch);
		this.path = f.pathInRepo;
		this.start = offset;
		this.left = length;
		this.meter = meter;
	}

	@Override
	public int read() throws IOException {
		byte[] one = new byte[1];
		return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		if (meter.isCancelled()) throw new UploadInterruptedException("Upload cancelled.", null);
		if (left <= 0) return -1;
		int n = in.read(b, off, (int) Math.min(len, left));
		if (n > 0) {
			left -= n;
			sent += n;
			meter.sent(path, sent, start);
		}
		return n;
	}

	@Override
	public void close() throws IOException {
		in.close();
	}
}
