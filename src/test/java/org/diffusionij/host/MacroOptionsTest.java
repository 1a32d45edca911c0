package org.diffusionij.host;

import static org.junit.jupiter.api.Assertions.*;

import ij.Macro;
import org.junit.jupiter.api.Test;

class MacroOptionsTest {

	/** ImageJ itself reads every key of these lines; the parser must read the same values. */
	private static final String[] LINES = {
		"steps=50 seed=42 model=[My Model v2] output=/tmp/out.tif",
		"path=[C:/data/run [1]/a b.tif] title='two words' n=3",
		"empty=[] x=1.5e-3 name=a=b",
		"tile_size=256 Steps=7",
	};

	@Test
	void readsWhatImageJReads() {
		for (String line : LINES) {
			MacroOptions options = MacroOptions.parse(line);
			for (String key : options.asMap().keySet()) {
				// ImageJ's getOptions() appends a space; getValue needs it to end the last plain value
				String asImageJ = Macro.getValue(line + " ", key, null);
				assertEquals(asImageJ, options.get(key), line + " / " + key);
				assertEquals(asImageJ != null, key.equals(MacroOptions.trimKey(key)), key);
			}
		}
	}

	@Test
	void bracketsSpacesFlagsAndCase() {
		MacroOptions o = MacroOptions.parse("  model=[a [nested] value]  invert  steps=12 Seed=3 quoted='a b' ");
		assertEquals("a [nested] value", o.get("model"));
		assertEquals("true", o.get("invert"), "a key without = is a ticked checkbox");
		assertEquals("12", o.get("steps"));
		assertEquals("12", o.get("Steps: "), "labels are looked up as ImageJ trims them");
		assertEquals("a b", o.get("quoted"));
		assertNull(o.get("seed"), "ImageJ does not match Seed=3 to the key seed");
		assertEquals("3", o.asMap().get("Seed"), "kept as written so hosts can reject it");
		assertEquals(5, o.asMap().size());
		assertTrue(MacroOptions.parse(null).asMap().isEmpty());
		assertTrue(MacroOptions.parse("   ").asMap().isEmpty());
	}

	@Test
	void unclosedOrRepeatedIsAnError() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> MacroOptions.parse("model=[a b steps=3"));
		assertTrue(e.getMessage().contains("model"), e.getMessage());
		assertThrows(IllegalArgumentException.class, () -> MacroOptions.parse("title='a b"));
		assertThrows(IllegalArgumentException.class, () -> MacroOptions.parse("steps=3 steps=4"));
	}

	@Test
	void formatsAsTheRecorderAndRoundTrips() {
		assertEquals("model=[a b]", MacroOptions.format("model", "a b"));
		assertEquals("name=[]", MacroOptions.format("name", ""));
		assertEquals("steps=50", MacroOptions.format("steps", "50"));
		String line = "model=[a [1] b] name=[] steps=50 flag=true";
		assertEquals(line, MacroOptions.parse(line).toString());
	}
}
