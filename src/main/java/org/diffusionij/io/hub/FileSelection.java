package org.diffusionij.io.hub;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Chooses which files of a Hub repository make a diffusers folder this plugin can load: {@code
 * model_index.json} and the other JSON files at the top (the intensity mapping and noise record a model
 * trained here keeps there), the model card {@code README.md}, and inside each component folder the JSON and text files (configs, tokenizer) and the
 * safetensors weights of the wanted variant ({@code fp16} or full precision). Pickle weights, ONNX/Flax
 * exports and single-file checkpoints at the top level are skipped: they are large and not read here.
 */
public final class FileSelection {

	private FileSelection() {}

	/**
	 * @param variant "fp16" to prefer {@code *.fp16.safetensors}, or null for full precision; a component
	 *          without the wanted variant falls back to the other one
	 */
	public static List<HubFile> select(List<HubFile> all, String variant) {
		List<HubFile> out = new ArrayList<>();
		Set<String> componentsWithWanted = new HashSet<>();
		for (HubFile f : all) {
			if (isWeights(f.path) && isVariant(f.path, variant)) componentsWithWanted.add(folder(f.path));
		}
		for (HubFile f : all) {
			String p = f.path;
			String lower = p.toLowerCase(Locale.ROOT);
			if (!p.contains("/")) {
				if (lower.endsWith(".json") || p.equals("README.md")) out.add(f);
			}
			else if (lower.endsWith(".json") || lower.endsWith(".txt")) {
				if (!lower.endsWith(".safetensors.index.json") || wantedIndex(p, variant, componentsWithWanted)) out.add(f);
			}
			else if (isWeights(p)) {
				boolean wanted = isVariant(p, variant);
				if (wanted || !componentsWithWanted.contains(folder(p)) && isVariant(p, null)) out.add(f);
			}
		}
		return out;
	}

	private static boolean wantedIndex(String p, String variant, Set<String> withWanted) {
		String v = variantOf(p.substring(0, p.length() - ".index.json".length()));
		if (variant != null && withWanted.contains(folder(p))) return variant.equals(v);
		return v == null;
	}

	private static boolean isWeights(String p) {
		return p.toLowerCase(Locale.ROOT).endsWith(".safetensors");
	}

	/** The variant in a weights file name: "fp16" in {@code model.fp16.safetensors} or in a shard of it. */
	static String variantOf(String p) {
		String[] parts = p.substring(p.lastIndexOf('/') + 1).split("\\.");
		if (parts.length < 3) return null;
		return parts[parts.length - 2].replaceFirst("-\\d+-of-\\d+$", "");
	}

	private static boolean isVariant(String p, String variant) {
		String v = variantOf(p);
		return variant == null ? v == null : variant.equals(v);
	}

	private static String folder(String p) {
		int i = p.lastIndexOf('/');
		return i < 0 ? "" : p.substring(0, i);
	}
}
