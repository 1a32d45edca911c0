package org.diffusionij.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a save killed midway leaves beside its target, laid out as {@link FolderSwap} names it, and how
 * {@link FolderSwap#recover} tidies it: half-built folders go, a previous version caught between the two renames
 * comes back, and other people's files stay.
 */
class FolderSwapTest {

	@TempDir
	Path dir;

	@Test
	void aSaveKilledWhileBuildingLeavesOnlyTheTarget() throws Exception {
		Path target = folder("model", "step 5");
		folder(".model.saving-3k9x2", "step 10, half written");
		Path others = folder(".model.saving-My-notes", "someone's own folder"); // not a name a save makes
		folder(".other.saving-abc", "another target's save");
		assertTrue(FolderSwap.recover(target));
		assertEquals(Arrays.asList(".model.saving-My-notes", ".other.saving-abc", "model"), names());
		assertEquals("step 5", read(target));
		assertTrue(Files.isDirectory(others));
		assertFalse(FolderSwap.recover(target), "nothing left to tidy");
	}

	@Test
	void aSaveKilledBetweenTheRenamesGetsThePreviousVersionBack() throws Exception {
		folder(".model.old-7a", "step 5");
		folder(".model.saving-7b", "step 10");
		Path target = dir.resolve("model");
		assertTrue(FolderSwap.recover(target));
		assertEquals(Arrays.asList("model"), names());
		assertEquals("step 5", read(target));
	}

	@Test
	void aSaveKilledWhileDeletingThePreviousVersionKeepsTheNewOne() throws Exception {
		Path target = folder("model", "step 10");
		folder(".model.old-7a", "step 5, half deleted");
		assertTrue(FolderSwap.recover(target));
		assertEquals(Arrays.asList("model"), names());
		assertEquals("step 10", read(target));
	}

	@Test
	void aFirstSaveKilledLeavesNothing() throws Exception {
		folder(".model.saving-q1", "step 5, half written");
		assertTrue(FolderSwap.recover(dir.resolve("model")));
		assertEquals(Arrays.asList(), names());
	}

	private Path folder(String name, String content) throws Exception {
		Path f = Files.createDirectories(dir.resolve(name));
		Files.write(f.resolve("state.txt"), content.getBytes(StandardCharsets.UTF_8));
		return f;
	}

	private static String read(Path folder) throws Exception {
		return new String(Files.readAllBytes(folder.resolve("state.txt")), StandardCharsets.UTF_8);
	}

	private List<String> names() throws Exception {
		try (Stream<Path> s = Files.list(dir)) {
			return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
		}
	}
}
