package org.diffusionij.host;

import java.util.Map;

/**
 * A command whose dialog offers a person more than its documented defaults (the model folder used last). Macros,
 * scripts and the launcher never see these values: an omitted key always takes the documented default.
 */
public interface DialogDefaults {

	/** Dialog values by key, as macro text. */
	Map<String, String> dialogDefaults();
}
