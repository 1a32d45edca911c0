package org.diffusionij.host;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.diffusionij.pipelines.Progress;
import org.junit.jupiter.api.Test;

/** A Hub transfer in the status bar: file, MiB done of the total, the rate, and the bar. */
class TransferStatusTest {

	@Test
	void theStatusNamesTheFileBytesAndRate() throws Exception {
		List<String> lines = new ArrayList<>();
		long[] bar = new long[2];
		Progress p = new Progress() {
			@Override
			public void status(String message) {
				lines.add(message);
			}

			@Override
			public void step(long done, long total) {
				bar[0] = done;
				bar[1] = total;
			}

			@Override
			public boolean isCancelled() {
				return false;
			}
		};
		TransferStatus s = new TransferStatus(p, "Uploading");
		Thread.sleep(20);
		s.progress("unet/diffusion_pytorch_model.safetensors", 3 << 20, 14 << 20);
		String line = lines.get(0);
		assertTrue(line.matches("Uploading unet/diffusion_pytorch_model\\.safetensors: 3\\.0 of 14\\.0 MiB, [0-9.]+ MiB/s"),
			line);
		assertArrayEquals(new long[] { 3 << 20, 14 << 20 }, bar);
		assertFalse(s.isCancelled());
	}
}
