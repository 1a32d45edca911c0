package org.diffusionij.host;

import static org.junit.jupiter.api.Assertions.*;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ImageProcessor;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's SLURM job array script (docs/cluster/denoise-folder-cpu.sbatch) run as SLURM runs it for
 * {@code --array=1-3}: three tasks at once, each a shell running the script with the array task variables, each
 * a launcher process ({@code java -cp "jar:jars/*" org.diffusionij.host.Launcher --run "Denoise Folder" …})
 * denoising its part of one folder. One task is killed (SIGKILL) right after its first result appears; the array
 * submitted again completes the set, the finished parts doing nothing. Every image is written exactly once, and
 * no result file is ever half-written.
 */
class DenoiseFolderShardsIT {

	private static final int SHARDS = 3, IMAGES = 12;
	private static final Path SCRIPT = Paths.get("docs/cluster/denoise-folder-cpu.sbatch").toAbsolutePath();
	private static final Pattern DENOISED = Pattern.compile("Denoise Image (crop\\d+\\.png): ");

	@TempDir
	Path dir;

	@Test
	void threeShardsWriteEveryImageOnceAndAKilledShardsRerunCompletesIt() throws Exception {
		Path in = Files.createDirectories(dir.resolve("in"));
		Path out = Files.createDirectories(dir.resolve("out"));
		ImageProcessor camera = TestImages.open("skimage_camera.png").getProcessor();
		Set<String> expected = new TreeSet<>();
		for (int i = 0; i < IMAGES; i++) {
			camera.setRoi(16 * i, 64 + 8 * i, 128, 128);
			String name = String.format("crop%02d.png", i);
			new FileSaver(new ImagePlus(name, camera.crop())).saveAsPng(in.resolve(name).toString());
			expected.add(String.format("crop%02d-denoised.tif", i));
		}
		// --array=1-3: task ids 1, 2, 3; the one with id 2 (part 1/3) is killed after its first result
		List<Process> shards = new ArrayList<>();
		List<File> logs = new ArrayList<>();
		for (int id = 1; id <= SHARDS; id++) {
			File log = dir.resolve("task" + id + ".log").toFile();
			logs.add(log);
			shards.add(task(id, in, out, log));
		}
		Set<String> victimsFiles = new TreeSet<>();
		for (int i = 1; i < IMAGES; i += SHARDS) victimsFiles.add(String.format("crop%02d-denoised.tif", i));
		Process victim = shards.get(1);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
		while (victimsFiles.stream().noneMatch(f -> Files.exists(out.resolve(f)))) {
			assertTrue(victim.isAlive(), "part 1/3 ended before its first result:\n" + read(logs.get(1)));
			assertTrue(System.nanoTime() < deadline, "no result of part 1/3 within 240 s:\n" + read(logs.get(1)));
			Thread.sleep(5);
		}
		victim.descendants().forEach(ProcessHandle::destroyForcibly);
		victim.destroyForcibly(); // SIGKILL, as scancel or a node failure ends a task
		victim.waitFor();
		for (int s : new int[] { 0, 2 }) {
			assertTrue(shards.get(s).waitFor(240, TimeUnit.SECONDS), "part " + s + " did not finish");
			assertEquals(0, shards.get(s).exitValue(), read(logs.get(s)));
		}

		Set<String> missing = new TreeSet<>(expected);
		missing.removeAll(visibleNames(out));
		assertFalse(missing.isEmpty(), "the kill came after part 1/3 had finished; nothing to complete");
		assertTrue(victimsFiles.containsAll(missing), "only the killed part's files are missing: " + missing);
		assertTrue(expected.containsAll(visibleNames(out)), "no half-written result under a result's name: " +
			visibleNames(out));
		Map<String, String> before = identities(out, visibleNames(out));

		// the same array submitted again: three tasks at once
		List<Process> again = new ArrayList<>();
		List<File> againLogs = new ArrayList<>();
		for (int id = 1; id <= SHARDS; id++) {
			againLogs.add(dir.resolve("rerun" + id + ".log").toFile());
			again.add(task(id, in, out, againLogs.get(id - 1)));
		}
		List<String> reruns = new ArrayList<>();
		for (int s = 0; s < SHARDS; s++) {
			assertTrue(again.get(s).waitFor(240, TimeUnit.SECONDS), "part " + s + " of the rerun did not finish");
			assertEquals(0, again.get(s).exitValue(), read(againLogs.get(s)));
			reruns.add(read(againLogs.get(s)));
		}
		for (int s : new int[] { 0, 2 }) {
			assertTrue(reruns.get(s).contains("Denoise Folder: shard " + s + "/3, 4 of " + IMAGES + " files, 4 done " +
				"already"), reruns.get(s));
			assertEquals(new TreeSet<String>(), denoised(reruns.get(s)), "a finished part does nothing");
		}
		String rerunText = reruns.get(1);
		assertTrue(rerunText.contains("Denoise Folder: shard 1/3, 4 of " + IMAGES + " files, " + (4 - missing.size()) +
			" done already"), rerunText);

		assertEquals(expected, visibleNames(out), "every image has its result, and nothing else is there");
		assertEquals(before, identities(out, before.keySet()), "results written before the rerun are untouched");
		// written once: each live part denoised exactly its own files, the rerun exactly the missing ones
		for (int s : new int[] { 0, 2 }) {
			Set<String> own = new TreeSet<>();
			for (int i = s; i < IMAGES; i += SHARDS) own.add(String.format("crop%02d.png", i));
			assertEquals(own, denoised(read(logs.get(s))), "part " + s + "/3");
		}
		Set<String> missingInputs = new TreeSet<>();
		for (String f : missing) missingInputs.add(f.replace("-denoised.tif", ".png"));
		assertEquals(missingInputs, denoised(rerunText), "the rerun does only what was missing");
		for (String name : expected) {
			ImagePlus r = IJ.openImage(out.resolve(name).toString());
			assertNotNull(r, name);
			assertEquals(ImagePlus.GRAY32, r.getType(), name);
			assertEquals(128, r.getWidth(), name);
			assertEquals(128, r.getHeight(), name);
		}
	}

	/**
	 * One array task: the sbatch script run by bash with the variables SLURM sets for task {@code id} of
	 * {@code --array=1-3}, the built jar, and the malloc limit already set so the launcher runs in the script's
	 * process (exec), which SIGKILL then ends.
	 */
	private static Process task(int id, Path in, Path out, File log) throws IOException {
		Path jar = Paths.get(System.getProperty("diffusionij.jar", "target/none.jar"));
		Path jars = Paths.get(System.getProperty("diffusionij.jars", "target/jars"));
		assertTrue(Files.isRegularFile(jar), "the plugin jar is built first (mvn verify): " + jar);
		ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString());
		Map<String, String> env = pb.environment();
		for (String k : new ArrayList<>(env.keySet())) if (k.startsWith("SLURM_")) env.remove(k);
		env.put("SLURM_ARRAY_TASK_ID", "" + id);
		env.put("SLURM_ARRAY_TASK_COUNT", "" + SHARDS);
		env.put("SLURM_ARRAY_TASK_MIN", "1");
		env.put("SLURM_ARRAY_TASK_MAX", "" + SHARDS);
		env.put("JAR", jar.toAbsolutePath().toString());
		env.put("JARS", jars.toAbsolutePath().toString());
		env.put("IN", in.toString());
		env.put("OUT", out.toString());
		env.put("MALLOC_ARENA_MAX", "1");
		env.put("PATH", Paths.get(System.getProperty("java.home"), "bin") + File.pathSeparator + env.get("PATH"));
		return pb.redirectErrorStream(true).redirectOutput(log).start();
	}

	private static Set<String> denoised(String log) {
		Set<String> names = new TreeSet<>();
		Matcher m = DENOISED.matcher(log);
		while (m.find()) assertTrue(names.add(m.group(1)), m.group(1) + " denoised twice in one run:\n" + log);
		return names;
	}

	private static Set<String> visibleNames(Path folder) {
		Set<String> names = new TreeSet<>();
		for (String n : folder.toFile().list()) if (!n.startsWith(".")) names.add(n);
		return names;
	}

	/** File key (inode), modification time and size of each file: what changes when a file is written again. */
	private static Map<String, String> identities(Path folder, Set<String> names) throws IOException {
		Map<String, String> ids = new HashMap<>();
		for (String n : names) {
			BasicFileAttributes a = Files.readAttributes(folder.resolve(n), BasicFileAttributes.class);
			ids.put(n, a.fileKey() + " " + a.lastModifiedTime().toMillis() + " " + a.size());
		}
		return ids;
	}

	private static String read(File f) throws IOException {
		return f.isFile() ? new String(Files.readAllBytes(f.toPath()), StandardCharsets.UTF_8) : "";
	}
}
