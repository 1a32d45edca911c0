package org.diffusionij.io.hub;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * An upload's HTTP exchange with {@link FakeHub} written as comparable text: per request the method, origin,
 * path, the headers that matter (whether a token went, the content types) and the body (JSON as is, NDJSON line
 * by line, file bytes as their length). {@link #main} serves a fake Hub until stdin ends and then writes the
 * exchange, for {@code record_upload_folder.py} to run huggingface_hub's own {@code upload_folder} against it.
 */
final class UploadExchange {

	private UploadExchange() {}

	/** The folder both clients upload: configs, a model card and a weights file of 3 multipart parts. */
	static Path sampleFolder(Path dir) throws Exception {
		Files.createDirectories(dir.resolve("unet"));
		Files.createDirectories(dir.resolve("scheduler"));
		write(dir.resolve("model_index.json"), "{\"_class_name\": \"DDPMPipeline\", \"_diffusers_version\": \"0.30.0\", " +
			"\"scheduler\": [\"diffusers\", \"DDPMScheduler\"], \"unet\": [\"diffusers\", \"UNet2DModel\"]}\n");
		write(dir.resolve("scheduler/scheduler_config.json"), "{\"_class_name\": \"DDPMScheduler\", " +
			"\"num_train_timesteps\": 1000}\n");
		write(dir.resolve("unet/config.json"), "{\"_class_name\": \"UNet2DModel\", \"sample_size\": 32}\n");
		write(dir.resolve("README.md"), "---\nlibrary_name: diffusers\nlicense: mit\npipeline_tag: " +
			"unconditional-image-generation\ntags:\n- diffusers\n---\n\n# Sample\n");
		byte[] weights = new byte[(1 << 20) + 300_000];
		new Random(7).nextBytes(weights);
		Files.write(dir.resolve("unet/diffusion_pytorch_model.safetensors"), weights);
		byte[] small = new byte[5000];
		new Random(8).nextBytes(small);
		Files.write(dir.resolve("unet/small.safetensors"), small);
		return dir;
	}

	private static void write(Path p, String text) throws Exception {
		Files.write(p, text.getBytes(StandardCharsets.UTF_8));
	}

	static List<String> describe(List<FakeHubUpload.Request> requests) {
		List<String> out = new ArrayList<>();
		for (FakeHubUpload.Request r : requests) {
			StringBuilder sb = new StringBuilder(r.method + " " + r.origin + " " + r.path);
			sb.append(" | token=").append(r.headers.containsKey("authorization") ? "yes" : "no");
			for (String h : new String[] { "content-type", "accept" }) {
				String v = r.headers.get(h);
				if (v != null && !(h.equals("accept") && v.equals("*/*"))) sb.append(' ').append(h).append('=').append(v
					.replaceAll(";.*", ""));
			}
			out.add(sb.toString());
			String ct = r.headers.getOrDefault("content-type", "");
			if (r.body.length == 0) continue;
			if (ct.contains("ndjson")) {
				for (String line : r.text().split("\n")) out.add("  " + canonical(JsonParser.parseString(line)));
			}
			else if (ct.contains("json")) out.add("  " + canonical(JsonParser.parseString(r.text())));
			else out.add("  " + r.body.length + " bytes");
		}
		return out;
	}

	/** The lines of {@link #describe} grouped by request: the request line, then its body lines. */
	static List<List<String>> requests(List<String> lines) {
		List<List<String>> out = new ArrayList<>();
		for (String l : lines) {
			if (l.isEmpty()) continue;
			if (!l.startsWith("  ")) out.add(new ArrayList<>());
			out.get(out.size() - 1).add(l);
		}
		return out;
	}

	private static boolean isTransfer(List<String> request) {
		String line = request.get(0);
		return line.contains(" storage ") || line.contains("/lfs-complete/") || line.contains("/lfs/objects/verify");
	}

	/** The requests to the Hub's API in their order, an immediate repeat of a request left out. */
	static List<List<String>> apiCalls(List<List<String>> requests) {
		List<List<String>> out = new ArrayList<>();
		for (List<String> r : requests) {
			if (!isTransfer(r) && (out.isEmpty() || !out.get(out.size() - 1).equals(r))) out.add(r);
		}
		return out;
	}

	/** The requests to the storage, their completions and verifications. */
	static List<List<String>> transfers(List<List<String>> requests) {
		List<List<String>> out = new ArrayList<>();
		for (List<String> r : requests) {
			if (isTransfer(r)) out.add(r);
		}
		return out;
	}

	static List<String> sorted(List<List<String>> requests) {
		List<String> out = new ArrayList<>();
		for (List<String> r : requests) out.add(String.join("\n", r));
		out.sort(null);
		return out;
	}

	/** JSON with object keys sorted, so that key order (which neither client promises) does not matter. */
	static String canonical(JsonElement e) {
		if (e.isJsonObject()) {
			StringBuilder sb = new StringBuilder("{");
			e.getAsJsonObject().keySet().stream().sorted().forEach(k -> sb.append(sb.length() > 1 ? "," : "").append('"')
				.append(k).append("\":").append(canonical(e.getAsJsonObject().get(k))));
			return sb.append('}').toString();
		}
		if (e.isJsonArray()) {
			StringBuilder sb = new StringBuilder("[");
			e.getAsJsonArray().forEach(x -> sb.append(sb.length() > 1 ? "," : "").append(canonical(x)));
			return sb.append(']').toString();
		}
		return e.toString();
	}

	/** {@code main REPO FOLDER OUT}: makes the sample folder, serves a fake Hub, writes the exchange at EOF. */
	public static void main(String[] args) throws Exception {
		sampleFolder(Path.of(args[1]));
		try (FakeHub hub = new FakeHub(args[0])) {
			System.out.println(hub.endpoint());
			System.out.flush();
			while (System.in.read() >= 0) {
				// until the script closes stdin
			}
			Files.write(Path.of(args[2]), describe(hub.upload.requests), StandardCharsets.UTF_8);
		}
	}
}
