package org.diffusionij.pipelines.sd;

import static org.diffusionij.Fixtures.fixture;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The memory estimate that refuses runs before anything is loaded. */
class MemoryEstimateTest {

	@Test
	void weightsAreCountedFromTheHeadersInFloat32() throws Exception {
		MemoryEstimate e = MemoryEstimate.of(fixture("tiny-sd-pipe"));
		long params = 0;
		try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu())) {
			org.diffusionij.engine.DiffusionEngine.start();
			try (StableDiffusionModel model = StableDiffusionModel.load(fixture(
				"tiny-sd-pipe"), m))
			{
				params = model.unet.parameterCount() + model.vae.parameterCount();
			}
		}
		assertTrue(e.weightBytes() > params * 4, "text encoder, UNet and VAE: " + e.weightBytes());
		assertTrue(e.need(64, 64, 1, true) < e.need(64, 64, 2, true));
		assertTrue(e.need(64, 64, 1, false) < e.need(128, 128, 1, false));
		MemoryEstimate half = MemoryEstimate.of(fixture("tiny-sd-pipe"),
			ai.djl.ndarray.types.DataType.FLOAT16);
		assertEquals(e.weightBytes() / 2, half.weightBytes(), "fp16 weights take half the bytes");
		assertEquals(e.need(512, 512, 1, true) - MemoryEstimate.BASE, 2 * (half.need(512, 512, 1, true) -
			MemoryEstimate.BASE), "and so do the activations");
	}

	@Test
	void onAGpuTheEstimateCoversThePeaksMeasuredOnAnH100() {
		// SD 1.5's UNet + VAE: 943,174,827 parameters (StableDiffusionBenchmark); peaks from docs/gpu.md
		MemoryEstimate fp32 = new MemoryEstimate(943_174_827L * 4, 320, 128, 8).onGpu();
		MemoryEstimate fp16 = new MemoryEstimate(943_174_827L * 2, 320, 128, 8).onGpu();
		long measured32 = 6865L << 20, measured16 = 4893L << 20;
		assertTrue(fp32.need(512, 512, 1, true) >= measured32 && fp32.need(512, 512, 1, true) < measured32 * 13 / 10);
		assertTrue(fp16.need(512, 512, 1, true) >= measured16 && fp16.need(512, 512, 1, true) < measured16 * 13 / 10);
	}

	@Test
	void anSD15SizedRunIsRefusedNamingTheLargestSizeThatFits() {
		// SD 1.5: 1.07 G parameters, UNet block_out_channels[0] 320, VAE 128, downscale 8
		MemoryEstimate e = new MemoryEstimate(1_066_000_000L * 4, 320, 128, 8);
		assertNull(e.refusal(512, 512, 1, true, 64L << 30));
		long available = e.need(256, 384, 1, true) + 1;
		String message = e.refusal(512, 768, 1, true, available);
		assertNotNull(message);
		assertTrue(message.contains("512×768 × 1 image(s)"), message);
		assertTrue(message.contains("The largest size that fits is about 256×384 with count=1"), message);
		assertTrue(e.refusal(512, 512, 1, true, 1L << 30).contains("Even the weights do not fit"));
	}
}
