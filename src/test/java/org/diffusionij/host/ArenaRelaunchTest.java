package org.diffusionij.host;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArenaRelaunchTest {

	@Test
	void relaunchesOnLinuxUnlessTheArenaLimitIsSetOrSwitchedOff() {
		Map<String, String> env = new HashMap<>();
		assertTrue(ArenaRelaunch.needed("Linux", env, null));
		assertFalse(ArenaRelaunch.needed("Mac OS X", env, null));
		assertFalse(ArenaRelaunch.needed("Windows 11", env, null));
		assertFalse(ArenaRelaunch.needed("Linux", env, "false"));
		env.put("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=1");
		assertTrue(ArenaRelaunch.needed("Linux", env, null));
		env.put("GLIBC_TUNABLES", "glibc.malloc.arena_max=2");
		assertFalse(ArenaRelaunch.needed("Linux", env, null));
		assertFalse(ArenaRelaunch.needed("Linux", Collections.singletonMap("MALLOC_ARENA_MAX", "4"), null));
	}

	@Test
	void theChildGetsTheSameJavaOptionsClassPathAndArguments() {
		assertEquals(Arrays.asList("/jdk/bin/java", "-Xmx4g", "-cp", "a.jar:jars/*", "org.diffusionij.host.Launcher",
			"--run", "Denoise Image", "input=in.png output=out.tif"), ArenaRelaunch.command("/jdk/bin/java", Arrays
				.asList("-Xmx4g"), "a.jar:jars/*", Launcher.class.getName(), new String[] { "--run", "Denoise Image",
					"input=in.png output=out.tif" }));
	}
}
