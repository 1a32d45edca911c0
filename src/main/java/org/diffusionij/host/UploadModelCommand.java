package org.diffusionij.host;

import ij.IJ;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import org.diffusionij.io.DiffusersFolder;
import org.diffusionij.io.hub.HubClient;
import org.diffusionij.io.hub.HubToken;
import org.diffusionij.io.hub.HubUploader;
import org.diffusionij.io.hub.ModelCardMetadata;
import org.diffusionij.io.hub.RepoName;
import org.diffusionij.io.hub.UploadSelection;
import org.diffusionij.pipelines.train.TrainingFolder;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

/**
 * Plugins › Diffusion › Upload Model to Hub: shares a diffusers model folder (one Train Diffusion on Stack
 * wrote, say) as a Hugging Face Hub model repository, which Download Model from Hub, diffusers'
 * {@code from_pretrained} and the Hub's model page then read. The repository is created when it is missing, and
 * the folder goes up as one commit, as huggingface_hub's {@code upload_folder} sends it ({@link HubUploader});
 * files the Hub already has with the same content are skipped, and a cancelled or broken upload commits
 * nothing and resumes with the large files not yet sent. The model card {@code README.md} goes up written or
 * completed (the folder itself is not written to) (front matter with {@code library_name: diffusers}, the pipeline tag, the licence and tags;
 * the training record of a trained folder in its text). The training state for Resume is not uploaded.
 * <p>
 * The token comes from {@code HF_TOKEN} (or huggingface_hub's token file); from the menu without one, a masked
 * field asks for it, which is never recorded in a macro nor written to the Log.
 */
@Plugin(type = Command.class, menuPath = DiffusionCommand.MENU + UploadModelCommand.LABEL, headless = true,
	visible = false)
public class UploadModelCommand extends DiffusionCommand {

	/** The menu label, which is also the name in {@code run("Upload Model to Hub", "...")}. */
	public static final String LABEL = "Upload Model to Hub";

	@Parameter(persist = false, style = FileWidget.DIRECTORY_STYLE, description = "The diffusers model folder")
	private File folder;

	@Parameter(persist = false, description = "Hub repository as owner/name, e.g. my-lab/cells-denoiser")
	private String repo = "";

	@Parameter(persist = false, choices = { "public", "private" },
		description = "Who may see a repository this creates (an existing one keeps its own)")
	private String visibility = "public";

	@Parameter(persist = false, description = "The commit message")
	private String message = "Upload model with Diffusion for ImageJ";

	@Parameter(persist = false, description = "Branch to commit to (created from main when missing)")
	private String revision = "main";

	@Parameter(persist = false, required = false,
		description = "Hub address (a mirror); empty: HF_ENDPOINT or huggingface.co")
	private String endpoint = "";

	@Parameter(persist = false, required = false,
		description = "Licence for a card without one (an SPDX id such as apache-2.0, or other)")
	private String license = "other";

	@Override
	protected void execute() {
		String id = RepoName.check(repo);
		if (folder == null || folder.getPath().isEmpty()) throw new IllegalArgumentException("folder is empty: give " +
			"the model folder to upload.");
		Path dir = folder.toPath();
		try {
			DiffusersFolder model = DiffusersFolder.open(dir);
			String token = HubToken.find(System.getenv(), Paths.get(System.getProperty("user.home")));
			if (token == null) token = TokenPrompt.ask(id);
			HubClient client = HubClient.configured(endpoint, token);
			UploadSelection files = UploadSelection.of(dir, new HashSet<>(Arrays.asList(TrainingFolder.STATE_JSON,
				TrainingFolder.STATE_TENSORS)));
			Path card = Files.createTempFile("model-card", ".md");
			try {
				Files.write(card, card(dir, model.index().pipelineClass()).getBytes(StandardCharsets.UTF_8));
				files.replace("README.md", card);
				HubUploader.Result r = new HubUploader(client).upload(id, files.files, visibility.equals("private"),
					message, revision == null || revision.trim().isEmpty() ? "main" : revision.trim(), new TransferStatus(
						progress(), "Uploading"));
				IJ.log(LABEL + ": " + summary(id, r) + (files.left.isEmpty() ? "" : " Not uploaded: " + String.join(", ",
					files.left) + " (the training state for Resume, hidden files)."));
			}
			finally {
				Files.deleteIfExists(card);
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException(e.getMessage(), e);
		}
	}

	private static String summary(String id, HubUploader.Result r) {
		String what = String.format(Locale.ROOT, "%s%s: %d files, %d sent (%.1f MiB), %d unchanged", id, r.created ?
			" (new repository)" : "", r.files, r.sent, r.bytesSent / (double) (1 << 20), r.skippedUnchanged);
		if (r.alreadyStored > 0) what += ", " + r.alreadyStored + " already in the Hub's storage from an earlier run";
		return what + (r.commitUrl == null ? "; nothing had changed, so no commit was made." : "; commit " + r.commitUrl);
	}

	/**
	 * The folder's README.md completed with the front matter the Hub reads (or a new card for a folder without
	 * one); the folder itself is not written to.
	 */
	private String card(Path dir, String pipelineClass) throws IOException {
		Path readme = dir.resolve("README.md");
		String old = Files.isRegularFile(readme) ? new String(Files.readAllBytes(readme), StandardCharsets.UTF_8) : null;
		String tag = ModelCardText.pipelineTag(pipelineClass);
		return ModelCardMetadata.complete(old, ModelCardText.body(dir, pipelineClass), tag, license == null || license
			.trim().isEmpty() ? "other" : license.trim(), "diffusers", tag, "diffusion-for-imagej");
	}
}
