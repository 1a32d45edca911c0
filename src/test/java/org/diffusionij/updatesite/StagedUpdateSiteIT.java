package org.diffusionij.updatesite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Checks the update site the build wrote in the {@code package} phase ({@code target/update-site}): valid
 * index, stored files and checksums as {@link SiteChecks} demands, the plugin jar and the DJL libraries
 * present, and none of the libraries Fiji ships nor the platform-specific libtorch natives.
 */
class StagedUpdateSiteIT {

	/** Libraries Fiji ships itself; a second copy from this site would conflict with Fiji's. */
	private static final List<String> FIJI_SHIPS = Arrays.asList("scijava-common-", "parsington-", "ij-", "imglib2-",
		"gson-", "jna-", "slf4j-", "commons-compress-", "commons-codec-", "commons-io-");

	@Test
	void buildWroteAValidUpdateSite() throws Exception {
		Path site = Paths.get("target", "update-site");
		assertTrue(Files.isRegularFile(site.resolve(UpdateSiteWriter.INDEX)), "run the package phase first: " + site);
		Map<String, SiteChecks.Record> records = SiteChecks.verify(site);

		List<String> plugins = records.keySet().stream().filter(p -> p.startsWith("plugins/")).collect(Collectors.toList());
		assertEquals(1, plugins.size(), "one plugin jar: " + plugins);
		assertTrue(plugins.get(0).matches("plugins/Diffusion_for_ImageJ-.*\\.jar"), plugins.get(0));

		List<String> jars = records.keySet().stream().filter(p -> p.startsWith("jars/")).map(p -> p.substring(5))
			.collect(Collectors.toList());
		for (String needed : Arrays.asList("api-", "pytorch-engine-", "pytorch-jni-", "tokenizers-")) {
			assertTrue(jars.stream().anyMatch(j -> j.startsWith(needed)), needed + " in " + jars);
		}
		for (String jar : jars) {
			assertFalse(FIJI_SHIPS.stream().anyMatch(jar::startsWith), "Fiji already ships " + jar);
			assertFalse(jar.startsWith("pytorch-native-"), "libtorch natives are platform-specific: " + jar);
		}
		assertEquals(records.keySet().stream().filter(p -> p.startsWith("jars/")).collect(Collectors.toList()),
			records.get(plugins.get(0)).dependencies);
	}
}
