package org.diffusionij.host;

import ij.IJ;
import ij.macro.Interpreter;
import java.awt.GraphicsEnvironment;
import javax.swing.JOptionPane;
import javax.swing.JPanel;
import javax.swing.JPasswordField;
import javax.swing.JLabel;
import java.awt.BorderLayout;

/**
 * Asks a person at ImageJ's window for a Hub token in a masked field. It is no macro key and not ImageJ's
 * GenericDialog, so the Recorder never writes it and it never reaches the Log; macros and headless runs take
 * the token from {@code HF_TOKEN} (or huggingface_hub's token file) instead.
 */
final class TokenPrompt {

	private TokenPrompt() {}

	/** The token typed, or null when nobody can be asked (macro, batch, headless) or the person cancelled. */
	static String ask(String repo) {
		if (GraphicsEnvironment.isHeadless() || IJ.getInstance() == null || Interpreter.isBatchMode() || IJ
			.isMacro()) return null;
		JPasswordField field = new JPasswordField(40);
		JPanel panel = new JPanel(new BorderLayout(0, 6));
		panel.add(new JLabel("<html>A Hugging Face token with write access to " + repo + "<br>(huggingface.co/settings/" +
			"tokens; set HF_TOKEN to skip this question):</html>"), BorderLayout.NORTH);
		panel.add(field, BorderLayout.CENTER);
		int answer = JOptionPane.showConfirmDialog(IJ.getInstance(), panel, UploadModelCommand.LABEL,
			JOptionPane.OK_CANCEL_OPTION, JOptionPane.PLAIN_MESSAGE);
		char[] typed = field.getPassword();
		String token = answer == JOptionPane.OK_OPTION && typed.length > 0 ? new String(typed).trim() : null;
		java.util.Arrays.fill(typed, '\0');
		return token;
	}
}
