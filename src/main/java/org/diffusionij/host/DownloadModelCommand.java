package org.diffusionij.host;

import ij.IJ;
import ij.Prefs;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.diffusionij.io.hub.HubClient;
import org.diffusionij.io.hub.HubDownloader;
import org.diffusionij.io.hub.HubToken;
import org.diffusionij.pipelines.Progress;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

/**
 * Plugins › Diffusion › Download Model from Hub: fetches a diffusers model folder from the Hugging Face Hub by
 * id (only the safetensors weights, fp16 variant on request), resumable and sha256-checked, into a models folder
 * in the user's home unless another folder is given. The bytes show in the status bar and Esc (or the
 * command's cancel) stops the download; running it again resumes. Afterwards Generate from Prompt offers the
 * folder as its model. {@code endpoint} points at a Hub mirror (default {@code HF_ENDPOINT}, else
 * huggingface.co); a token is read from {@code HF_TOKEN}.
 */
@Plugin(type = Command.class, menuPath = DiffusionCommand.MENU + DownloadModelCommand.LABEL, headless = true,
	visible = false)
public class DownloadModelCommand extends DiffusionCommand {

	/** The menu label, which is also the name in {@code run("Download Model from Hub", "...")}. */
	public static final String LABEL = "Download Model from Hub";


	@Parameter(persist = false, description = "Hub repository, e.g. stabilityai/stable-diffusion-2-1-base")
	private String id = "";

	@Parameter(persist = false, description = "Branch, tag or commit")
	private String revision = "main";

	@Parameter(persist = false, required = false,
		description = "fp16 for half-precision weights (half the download), or empty")
	private String variant = "";

	@Parameter(persist = false, required = false, style = FileWidget.DIRECTORY_STYLE,
		description = "Where the model goes; empty: ~/.diffusionij/models/<owner>--<name>")
	private File folder = new File("");

	@Parameter(persist = false, required = false,
		description = "Hub address (a mirror); empty: HF_ENDPOINT or huggingface.co")
	private String endpoint = "";

	@Override
	protected void execute() {
		String repo = id == null ? "" : id.trim();
		if (repo.isEmpty()) throw new IllegalArgumentException("id is empty: give a Hub model id such as " +
			"stabilityai/stable-diffusion-2-1-base.");
		String v = variant == null || variant.trim().isEmpty() ? null : variant.trim();
		Path target = folder == null || folder.getPath().isEmpty() ? defaultFolder(repo) : folder.toPath();
		OutputPaths.checkNewFolder("folder", target);
		HubClient client = HubClient.configured(endpoint, HubToken.find(System.getenv(), Paths.get(System.getProperty(
			"user.home"))));
		Progress progress = progress();
		try {
			Files.createDirectories(target.toAbsolutePath().getParent());
			new HubDownloader(client).download(repo, revision, v, target, new TransferStatus(progress, "Downloading"));
		}
		catch (IOException e) {
			throw new UncheckedIOException(e.getMessage(), e);
		}
		Prefs.set(GenerateFromPromptCommand.MODEL_PREF, target.toAbsolutePath().toString());
		IJ.log(LABEL + ": " + repo + " (" + revision + (v == null ? "" : ", " + v) + ") is in " + target);
	}

	/** {@code ~/.diffusionij/models/owner--name}, as huggingface_hub names its cache folders. */
	static Path defaultFolder(String repoId) {
		return Paths.get(System.getProperty("user.home"), ".diffusionij", "models", repoId.replace("/", "--"));
	}
}
