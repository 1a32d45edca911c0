package org.diffusionij.io.hub;

/**
 * The rules huggingface_hub's {@code validate_repo_id} checks before any request, for a repository given as
 * {@code owner/name}: letters, digits, '-', '_' and '.', neither part starting or ending with '-' or '.', the
 * name at most 96 characters, no "--" or "..", not ending in ".git".
 */
public final class RepoName {

	private static final String PART = "[A-Za-z0-9_]([\\w.-]*[A-Za-z0-9_])?";

	private RepoName() {}

	/** @throws IllegalArgumentException with the rule that {@code repo} breaks */
	public static String check(String repo) {
		String r = repo == null ? "" : repo.trim();
		String example = " Give the repository as owner/name, for example my-lab/cells-denoiser.";
		if (r.isEmpty()) throw new IllegalArgumentException("repo is empty." + example);
		if (!r.matches(PART + "/" + PART)) {
			throw new IllegalArgumentException("repo=" + r + " is not a Hub repository name: it must be owner/name " +
				"with letters, digits, '-', '_' or '.', and neither part may start or end with '-' or '.'." + example);
		}
		String name = r.substring(r.indexOf('/') + 1);
		if (name.length() > 96) throw new IllegalArgumentException("repo=" + r + ": the name is longer than 96 " +
			"characters.");
		if (r.contains("--") || r.contains("..")) throw new IllegalArgumentException("repo=" + r + " contains -- or " +
			".., which the Hub does not allow.");
		if (r.endsWith(".git")) throw new IllegalArgumentException("repo=" + r + " ends with .git, which the Hub " +
			"does not allow.");
		return r;
	}
}
