package org.diffusionij.host;

import ij.IJ;
import org.diffusionij.pipelines.UnconditionalModel;

/**
 * The README's promise for model folders: config keys the plugin does not support are named in the Log, never
 * ignored silently. One line per key, for the UNet and the scheduler a command built from the folder.
 */
public final class UnusedConfigKeys {

	private UnusedConfigKeys() {}

	/** Logs each key of {@code model}'s configs that its built UNet and scheduler did not read. */
	public static void log(String label, UnconditionalModel model) {
		model.unusedConfigKeys().forEach((file, keys) -> {
			for (String key : keys) {
				IJ.log(label + ": " + model.name() + "/" + file + " key not supported, ignored: " + key);
			}
		});
	}
}
