package org.diffusionij.host;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One of {@code count} parts of a folder job, for cluster job arrays: part {@code index} (0 … count − 1) takes
 * the files at positions {@code index}, {@code index + count}, {@code index + 2·count}, … of the folder's
 * listing, which is every regular file whose name does not start with a dot, sorted by name (Java's
 * {@link String#compareTo}: by UTF-16 code unit, upper case before lower case, the same on every node). So the
 * parts of one folder are disjoint, together take every file, and differ in size by one file at most, as long
 * as the folder does not change while the parts list it.
 * <p>
 * Written {@code i/n} ({@code shard=2/8}); without one, a SLURM job array task takes its part from
 * {@code SLURM_ARRAY_TASK_ID}, {@code SLURM_ARRAY_TASK_MIN}, {@code SLURM_ARRAY_TASK_STEP} and
 * {@code SLURM_ARRAY_TASK_COUNT} (task ids 0–7, 1–8 or 0–14:2 alike give parts 0 … 7 of 8); otherwise the job
 * is one part, {@code 0/1}.
 */
final class FolderShard {

	static final FolderShard ALL = new FolderShard(0, 1);

	final int index;
	final int count;

	FolderShard(int index, int count) {
		if (count < 1) throw new IllegalArgumentException("shard=" + index + "/" + count + ": the count must be " +
			"at least 1.");
		if (index < 0 || index >= count) throw new IllegalArgumentException("shard=" + index + "/" + count +
			": the index runs from 0 to " + (count - 1) + ".");
		this.index = index;
		this.count = count;
	}

	/**
	 * The part named by {@code text} ({@code i/n}), or, when it is empty, the SLURM array task's part from
	 * {@code env}, else {@link #ALL}.
	 *
	 * @throws IllegalArgumentException naming what is wrong with the key or the SLURM variables
	 */
	static FolderShard of(String text, Map<String, String> env) {
		if (text != null && !text.trim().isEmpty()) return parse(text.trim());
		FolderShard slurm = fromSlurm(env);
		return slurm == null ? ALL : slurm;
	}

	static FolderShard parse(String text) {
		int slash = text.indexOf('/');
		try {
			if (slash > 0) {
				return new FolderShard(Integer.parseInt(text.substring(0, slash).trim()),
					Integer.parseInt(text.substring(slash + 1).trim()));
			}
		}
		catch (NumberFormatException e) {
			// below
		}
		throw new IllegalArgumentException("shard=" + text + " is not i/n (for example shard=0/4: the first of " +
			"four parts; i runs from 0 to n - 1).");
	}

	/** The SLURM job array task's part, or null outside a job array. */
	static FolderShard fromSlurm(Map<String, String> env) {
		String id = env.get("SLURM_ARRAY_TASK_ID");
		String count = env.get("SLURM_ARRAY_TASK_COUNT");
		if (id == null || count == null) return null;
		try {
			int taskId = Integer.parseInt(id.trim());
			int n = Integer.parseInt(count.trim());
			int min = env.containsKey("SLURM_ARRAY_TASK_MIN") ? Integer.parseInt(env.get("SLURM_ARRAY_TASK_MIN")
				.trim()) : 0;
			int step = env.containsKey("SLURM_ARRAY_TASK_STEP") ? Integer.parseInt(env.get("SLURM_ARRAY_TASK_STEP")
				.trim()) : 1;
			if (step >= 1 && (taskId - min) % step == 0 && (taskId - min) / step < n && taskId >= min) {
				return new FolderShard((taskId - min) / step, n);
			}
		}
		catch (NumberFormatException e) {
			// below
		}
		throw new IllegalArgumentException("The SLURM job array (SLURM_ARRAY_TASK_ID=" + id +
			", SLURM_ARRAY_TASK_COUNT=" + count + ", SLURM_ARRAY_TASK_MIN=" + env.get("SLURM_ARRAY_TASK_MIN") +
			", SLURM_ARRAY_TASK_STEP=" + env.get("SLURM_ARRAY_TASK_STEP") + ") is not an evenly spaced range; " +
			"give shard=i/n.");
	}

	/** The files of {@code folder} in the order that defines the parts. */
	static List<File> listing(File folder) {
		List<File> files = new ArrayList<>();
		File[] all = folder.listFiles(File::isFile);
		if (all != null) for (File f : all) if (!f.getName().startsWith(".")) files.add(f);
		files.sort((a, b) -> a.getName().compareTo(b.getName()));
		return files;
	}

	/** This part's files of {@code listing}, in order. */
	List<File> of(List<File> listing) {
		List<File> mine = new ArrayList<>();
		for (int i = index; i < listing.size(); i += count) mine.add(listing.get(i));
		return mine;
	}

	@Override
	public String toString() {
		return index + "/" + count;
	}
}
