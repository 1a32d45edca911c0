package org.diffusionij.io.hub;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Completes the YAML front matter of a model card ({@code README.md}) with what the Hub reads from it: {@code
 * library_name: diffusers} (the Hub then shows the diffusers snippet), {@code pipeline_tag}, {@code license}
 * and the {@code tags} given. Keys and tags already there are kept as they are; a card without front matter
 * gets one above its text.
 */
public final class ModelCardMetadata {

	private ModelCardMetadata() {}

	/**
	 * @param card the card's text, or null for none (then {@code body} is the text)
	 * @param license the licence to record when the card has none (for example "apache-2.0" or "other")
	 */
	public static String complete(String card, String body, String pipelineTag, String license, String... tags) {
		String text = card == null ? body : card.replace("\r\n", "\n");
		List<String> yaml = new ArrayList<>();
		String rest = text;
		if (text.startsWith("---\n")) {
			int end = text.indexOf("\n---", 3);
			if (end > 0) {
				yaml.addAll(Arrays.asList(text.substring(4, end).split("\n", -1)));
				if (yaml.size() == 1 && yaml.get(0).isEmpty()) yaml.clear();
				int after = text.indexOf('\n', end + 4);
				rest = after < 0 ? "" : text.substring(after + 1);
			}
		}
		addKey(yaml, "library_name", "diffusers");
		addKey(yaml, "pipeline_tag", pipelineTag);
		addKey(yaml, "license", license);
		addTags(yaml, tags);
		StringBuilder sb = new StringBuilder("---\n");
		for (String line : yaml) sb.append(line).append('\n');
		sb.append("---\n");
		if (!rest.startsWith("\n")) sb.append('\n');
		return sb.append(rest).toString();
	}

	private static int keyLine(List<String> yaml, String key) {
		for (int i = 0; i < yaml.size(); i++) {
			if (yaml.get(i).startsWith(key + ":")) return i;
		}
		return -1;
	}

	private static void addKey(List<String> yaml, String key, String value) {
		if (value != null && keyLine(yaml, key) < 0) yaml.add(key + ": " + value);
	}

	private static void addTags(List<String> yaml, String... tags) {
		int at = keyLine(yaml, "tags");
		if (at < 0) {
			yaml.add("tags:");
			at = yaml.size() - 1;
		}
		else if (!yaml.get(at).trim().equals("tags:")) {
			// an inline list, tags: [a, b]: written out as a block list
			String inline = yaml.get(at).substring(5).trim().replaceAll("^\\[|\\]$", "");
			yaml.set(at, "tags:");
			int i = at + 1;
			for (String t : inline.split(",")) {
				if (!t.trim().isEmpty()) yaml.add(i++, "- " + t.trim());
			}
		}
		int end = at + 1;
		List<String> have = new ArrayList<>();
		while (end < yaml.size() && yaml.get(end).trim().startsWith("- ")) have.add(yaml.get(end++).trim().substring(2)
			.trim());
		for (String t : tags) {
			if (!have.contains(t)) yaml.add(end++, "- " + t);
		}
	}
}
