package org.diffusionij.host;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files of a folder each part of a job array takes. */
class FolderShardTest {

	@TempDir
	Path dir;

	private static Map<String, String> slurm(String... keyValues) {
		Map<String, String> env = new HashMap<>();
		for (int i = 0; i < keyValues.length; i += 2) env.put("SLURM_ARRAY_TASK_" + keyValues[i], keyValues[i + 1]);
		return env;
	}

	@Test
	void theKeyWinsOverSlurmAndNeitherMeansAll() {
		FolderShard s = FolderShard.of("2/5", slurm("ID", "0", "COUNT", "3"));
		assertEquals(2, s.index);
		assertEquals(5, s.count);
		assertEquals("1/3", FolderShard.of("", slurm("ID", "1", "COUNT", "3")).toString());
		assertEquals("0/1", FolderShard.of("", Collections.emptyMap()).toString());
		assertEquals("0/1", FolderShard.of(null, slurm("ID", "4")).toString(), "an id without a count is no array");
	}

	@Test
	void slurmTaskIdsFromAnyEvenRangeGiveParts0ToNMinus1() {
		// --array=0-7, --array=1-8 and --array=0-14:2 are all eight tasks
		for (int t = 0; t < 8; t++) {
			assertEquals(t, FolderShard.fromSlurm(slurm("ID", "" + t, "COUNT", "8", "MIN", "0")).index);
			assertEquals(t, FolderShard.fromSlurm(slurm("ID", "" + (t + 1), "COUNT", "8", "MIN", "1", "MAX", "8")).index);
			assertEquals(t, FolderShard.fromSlurm(slurm("ID", "" + 2 * t, "COUNT", "8", "MIN", "0", "STEP", "2")).index);
		}
		assertNull(FolderShard.fromSlurm(Collections.emptyMap()));
		// --array=1,5,6: not evenly spaced, the part would be ambiguous
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FolderShard.fromSlurm(
			slurm("ID", "5", "COUNT", "3", "MIN", "1")));
		assertTrue(e.getMessage().contains("give shard=i/n"), e.getMessage());
	}

	@Test
	void wrongPartsAreRefusedWithTheRule() {
		for (String bad : Arrays.asList("3", "a/b", "1/", "/2", "4/4", "-1/4", "0/0")) {
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FolderShard.parse(bad), bad);
			assertTrue(e.getMessage().startsWith("shard=" + bad), e.getMessage());
		}
		assertTrue(assertThrows(IllegalArgumentException.class, () -> FolderShard.parse("4/4")).getMessage()
			.contains("from 0 to 3"));
	}

	@Test
	void thePartsAreDisjointCoverTheFolderAndDifferByOneFileAtMost() throws Exception {
		for (String name : Arrays.asList("b.tif", "B.tif", "a10.png", "a2.png", ".hidden.tif", "c d.tif", "z.txt")) {
			Files.write(dir.resolve(name), new byte[1]);
		}
		Files.createDirectory(dir.resolve("sub"));
		List<File> listing = FolderShard.listing(dir.toFile());
		List<String> names = new ArrayList<>();
		for (File f : listing) names.add(f.getName());
		assertEquals(Arrays.asList("B.tif", "a10.png", "a2.png", "b.tif", "c d.tif", "z.txt"), names,
			"by name, code unit order, no hidden files, no folders");
		for (int n = 1; n <= 8; n++) {
			List<File> all = new ArrayList<>();
			int min = Integer.MAX_VALUE, max = 0;
			for (int i = 0; i < n; i++) {
				List<File> part = new FolderShard(i, n).of(listing);
				for (File f : part) assertFalse(all.contains(f), f + " in two parts of " + n);
				all.addAll(part);
				min = Math.min(min, part.size());
				max = Math.max(max, part.size());
			}
			assertEquals(listing.size(), all.size(), "every file in one part of " + n);
			assertTrue(max - min <= 1, n + " parts: " + min + " to " + max + " files");
		}
		assertEquals(Arrays.asList(listing.get(1), listing.get(4)), new FolderShard(1, 3).of(listing),
			"part i takes positions i, i + n, …");
	}
}
