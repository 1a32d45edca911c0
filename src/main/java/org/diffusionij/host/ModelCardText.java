package org.diffusionij.host;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.diffusionij.io.ConfigJson;
import org.diffusionij.pipelines.train.TrainingFolder;

/**
 * The text of a model card for a folder that has none (one from elsewhere, or trained before cards were
 * written): what the folder is, how to load it, and the training record when the folder holds one.
 */
final class ModelCardText {

	private ModelCardText() {}

	/** The Hub's pipeline tag for a diffusers pipeline class. */
	static String pipelineTag(String pipelineClass) {
		String c = pipelineClass == null ? "" : pipelineClass;
		if (c.contains("Img2Img")) return "image-to-image";
		if (c.startsWith("StableDiffusion")) return "text-to-image";
		return "unconditional-image-generation";
	}

	static String body(Path dir, String pipelineClass) throws IOException {
		StringBuilder sb = new StringBuilder("# ").append(dir.toAbsolutePath().getFileName()).append("\n\n");
		sb.append("A diffusers `").append(pipelineClass).append("` folder, uploaded with Diffusion for ImageJ. Load it ")
			.append("in Fiji with Download Model from Hub, or in Python with `DiffusionPipeline.from_pretrained(...)`.\n");
		Path state = dir.resolve(TrainingFolder.STATE_JSON);
		if (Files.isRegularFile(state)) {
			JsonObject s = ConfigJson.load(state).json();
			sb.append("\n## Training\n\n- steps done: ").append(s.get("step")).append('\n');
			if (s.has("settings")) {
				for (Map.Entry<String, JsonElement> e : s.getAsJsonObject("settings").entrySet()) sb.append("- ").append(e
					.getKey()).append(": ").append(e.getValue()).append('\n');
			}
		}
		return sb.toString();
	}
}
