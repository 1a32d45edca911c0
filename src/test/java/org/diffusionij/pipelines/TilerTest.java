package org.diffusionij.pipelines;

import static org.diffusionij.Fixtures.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.diffusionij.engine.DiffusionEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tiling is invisible: identity stays exact, a convolution shows no seam, padding meets the multiple. */
class TilerTest {

	private static NDManager manager;

	@BeforeAll
	static void start() {
		DiffusionEngine.start();
		manager = NDManager.newBaseManager(Device.cpu());
	}

	@AfterAll
	static void stop() {
		manager.close();
	}

	private static float[] random(int size, long seed) {
		Random r = new Random(seed);
		float[] v = new float[size];
		for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian() * 100;
		return v;
	}

	/**
	 * The tiler over an NCHW array, counting tiles in {@code progress} and stopping when it is cancelled, as a
	 * pipeline's tile function does; the result is an array in the image's manager.
	 */
	private static NDArray run(Tiler tiler, NDArray image, Tiler.TileFunction f, Progress progress) {
		Shape s = image.getShape();
		int n = (int) s.get(0), c = (int) s.get(1), h = (int) s.get(2), w = (int) s.get(3);
		long total = (long) n * tiler.tiles(h, w);
		long[] done = { 0 };
		float[] out = tiler.run(Floats.of(image), n, c, h, w, image.getManager(), t -> {
			progress.checkCancelled();
			NDArray r = f.apply(t);
			progress.step(++done[0], total);
			return r;
		});
		return image.getManager().create(out, new Shape(n, out.length / ((long) n * h * w), h, w));
	}

	/** Counts steps and can ask to cancel after a number of them. */
	private static final class CountingProgress implements Progress {
		long steps;
		long lastDone;
		long lastTotal;
		long cancelAfter = Long.MAX_VALUE;

		@Override
		public void status(String message) {}

		@Override
		public void step(long done, long total) {
			steps++;
			lastDone = done;
			lastTotal = total;
		}

		@Override
		public boolean isCancelled() {
			return steps >= cancelAfter;
		}
	}

	@Test
	void identityReproducesOddSizedImagesExactly() {
		int[][] settings = { { 32, 8, 8 }, { 48, 16, 16 }, { 40, 12, 16 }, { 64, 0, 8 }, { 24, 23, 1 }, { 256, 16, 16 } };
		for (int[] s : settings) {
			try (NDManager scope = manager.newSubManager()) {
				float[] data = random(2 * 3 * 77 * 131, 1);
				NDArray image = scope.create(data, new Shape(2, 3, 77, 131));
				Tiler tiler = new Tiler(s[0], s[1], s[2]);
				CountingProgress progress = new CountingProgress();
				NDArray out = run(tiler, image, t -> t.duplicate(), progress);
				assertEquals(image.getShape(), out.getShape());
				assertArrayEquals(data, out.toFloatArray(), "tile " + s[0] + " overlap " + s[1] + " multiple " + s[2]);
				assertEquals(progress.lastTotal, progress.steps);
				assertEquals(progress.lastTotal, progress.lastDone);
				int ny = tilesAlong(77, tiler.tileSize(), s[1]);
				int nx = tilesAlong(131, tiler.tileSize(), s[1]);
				assertEquals(2L * ny * nx, progress.lastTotal, "tiles for " + s[0] + "/" + s[1]);
			}
		}
	}

	/** One tile if it fits, else enough tiles stepping by tile - overlap to reach the end: ceil((L-O)/(T-O)). */
	private static int tilesAlong(int length, int tile, int overlap) {
		return length <= tile ? 1 : (length - overlap + tile - overlap - 1) / (tile - overlap);
	}

	@Test
	void convolutionShowsNoSeam() {
		int h = 77, w = 131;
		float[] data = random(3 * h * w, 2);
		try (NDManager scope = manager.newSubManager()) {
			NDArray image = scope.create(data, new Shape(1, 3, h, w));
			float[] whole = ReflectConvolution.apply(data, 3, h, w);
			CountingProgress progress = new CountingProgress();
			NDArray tiled = run(new Tiler(48, 16, 16), image, ReflectConvolution::apply, progress);
			assertEquals(new Shape(1, 2, h, w), tiled.getShape());
			assertTrue(progress.steps >= 6, "the image must really be cut: " + progress.steps + " tiles");
			assertTrue(maxAbsDiff(whole, tiled.toFloatArray()) < 1e-5);
			// the same network without blending room has visible seams, so the check above can fail
			NDArray abutting = run(new Tiler(48, 0, 16), image, ReflectConvolution::apply, Progress.NONE);
			assertTrue(maxAbsDiff(whole, abutting.toFloatArray()) > 1e-2);
		}
	}

	@Test
	void smallImagesArePaddedByMirroringToTheMultiple() {
		int h = 21, w = 37;
		float[] data = random(h * w, 3);
		List<float[]> tiles = new ArrayList<>();
		List<NDArray> seen = new ArrayList<>();
		Tiler.TileFunction record = t -> {
			assertEquals(new Shape(1, 1, 32, 48), t.getShape());
			tiles.add(t.toFloatArray());
			seen.add(t);
			return t.mul(2f);
		};
		try (NDManager scope = manager.newSubManager()) {
			NDArray out = run(new Tiler(64, 8, 16), scope.create(data, new Shape(1, 1, h, w)), record, Progress.NONE);
			float[] doubled = out.toFloatArray();
			for (int i = 0; i < data.length; i++) assertEquals(2 * data[i], doubled[i]);
		}
		assertEquals(1, tiles.size());
		assertTrue(seen.get(0).isReleased(), "each tile lives in its own closed scope");
		float[] t = tiles.get(0);
		// 32 - 21 = 11 padding rows: 5 before, 6 after; 48 - 37 = 11 columns: 5 before, 6 after
		assertEquals(data[0], t[5 * 48 + 5]);
		assertEquals(data[5 * w + 5], t[0], "row -5, column -5 mirror rows and columns 5");
		assertEquals(data[(h - 2) * w + (w - 2)], t[(5 + h) * 48 + 5 + w], "one past the end mirrors end - 2");
	}

	@Test
	void nativeMemoryStaysAtOneTile() {
		int[] most = { 0 };
		try (NDManager scope = manager.newSubManager()) {
			NDArray image = scope.create(random(2 * 200 * 200, 4), new Shape(2, 1, 200, 200)).toType(
				ai.djl.ndarray.types.DataType.FLOAT16, false);
			CountingProgress progress = new CountingProgress();
			NDArray out = run(new Tiler(32, 8, 8), image, t -> {
				NDArray r = t.mul(3f).toType(ai.djl.ndarray.types.DataType.FLOAT16, false);
				most[0] = Math.max(most[0], scope.getManagedArrays().size());
				return r;
			}, progress);
			assertTrue(progress.steps > 100, progress.steps + " tiles");
			// the float32 source, the float16 image, one tile and its two results; nothing piles up over tiles
			assertTrue(most[0] <= 5, most[0] + " arrays were alive during a tile");
			assertEquals(3, scope.getManagedArrays().size(), "source, image and result remain");
			assertEquals(ai.djl.ndarray.types.DataType.FLOAT32, out.getDataType());
		}
	}

	@Test
	void cancelStopsBetweenTiles() {
		int[] calls = { 0 };
		CountingProgress progress = new CountingProgress();
		progress.cancelAfter = 2;
		try (NDManager scope = manager.newSubManager()) {
			NDArray image = scope.zeros(new Shape(1, 1, 100, 100));
			assertThrows(CancelledException.class, () -> run(new Tiler(32, 8, 8), image, x -> {
				calls[0]++;
				return x;
			}, progress));
		}
		assertEquals(2, calls[0]);
	}

	@Test
	void badSettingsAreRefused() {
		assertThrows(IllegalArgumentException.class, () -> new Tiler(32, 32, 8));
		assertThrows(IllegalArgumentException.class, () -> new Tiler(32, -1, 8));
		assertThrows(IllegalArgumentException.class, () -> new Tiler(32, 4, 0));
		assertEquals(48, new Tiler(40, 8, 16).tileSize());
		try (NDManager scope = manager.newSubManager()) {
			NDArray image = scope.zeros(new Shape(1, 1, 64, 64));
			IllegalStateException e = assertThrows(IllegalStateException.class,
				() -> run(new Tiler(32, 8, 8), image, x -> x.get("..., 1:, :"), Progress.NONE));
			assertTrue(e.getMessage().contains("must keep the batch, height and width"), e.getMessage());
		}
	}

	@Test
	void tilesAreAsFewAndAsSmallAsTheOverlapAllows() {
		for (int length = 33; length <= 700; length += 7) {
			for (int[] t : new int[][] { { 32, 8, 8 }, { 64, 16, 4 }, { 128, 32, 16 }, { 544, 16, 4 } }) {
				if (length <= t[0]) continue;
				TileAxis a = new TileAxis(length, t[0], t[1], t[2]);
				int n = a.count();
				String what = "length " + length + ", tile " + t[0] + ", overlap " + t[1];
				assertEquals((length - t[1] + t[0] - t[1] - 1) / (t[0] - t[1]), n, "fewest tiles: " + what);
				assertTrue(a.size <= t[0] && a.size % t[2] == 0, "size " + a.size + ": " + what);
				assertTrue((long) n * a.size - (long) (n - 1) * t[1] >= length, "covers: " + what);
				assertTrue((long) n * (a.size - t[2]) - (long) (n - 1) * t[1] < length, "no smaller multiple covers: " +
					what);
				assertEquals(0, a.starts[0], what);
				assertEquals(length - a.size, a.starts[n - 1], what);
				for (int i = 1; i < n; i++) assertTrue(a.starts[i - 1] + a.size - a.starts[i] >= t[1], "overlap: " + what);
			}
		}
		// a 2048-pixel side in tiles of at most 544 overlapping by 16 (the defaults): 4 tiles of 524
		TileAxis a = new TileAxis(2048, 544, 16, 4);
		assertEquals(4, a.count());
		assertEquals(524, a.size);
	}

	@Test
	void reflectMatchesNumpy() {
		// np.pad(np.arange(4), 7, mode="reflect")
		int[] numpy = { 1, 0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2 };
		for (int i = 0; i < numpy.length; i++) assertEquals(numpy[i], TileAxis.reflect(i - 7, 4), "index " + (i - 7));
		assertEquals(0, TileAxis.reflect(-3, 1));
	}
}
