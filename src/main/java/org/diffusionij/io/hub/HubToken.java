package org.diffusionij.io.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds a Hub token where huggingface_hub looks for one: {@code HF_TOKEN}, else the file {@code HF_TOKEN_PATH}
 * names, else {@code $HF_HOME/token}, else {@code ~/.cache/huggingface/token} (what {@code hf auth login}
 * writes). The token itself is never logged or put into a message.
 */
public final class HubToken {

	private HubToken() {}

	/** The token, or null when there is none. */
	public static String find(Map<String, String> env, Path home) {
		String t = env.get("HF_TOKEN");
		if (t != null && !t.trim().isEmpty()) return t.trim();
		Path file = env.get("HF_TOKEN_PATH") != null ? Path.of(env.get("HF_TOKEN_PATH")) : env.get("HF_HOME") != null ?
			Path.of(env.get("HF_HOME"), "token") : home.resolve(".cache/huggingface/token");
		try {
			if (!Files.isRegularFile(file)) return null;
			String s = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
			return s.isEmpty() ? null : s;
		}
		catch (IOException e) {
			return null;
		}
	}
}
