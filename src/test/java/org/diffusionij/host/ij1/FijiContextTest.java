package org.diffusionij.host.ij1;

import static org.junit.jupiter.api.Assertions.*;

import ij.IJ;
import org.diffusionij.host.CommandCall;
import org.diffusionij.host.ij1.legacy.DefaultLegacyHooks;
import org.diffusionij.host.ij1.legacy.LegacyService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scijava.Context;

/**
 * Finding Fiji's context the way imagej-legacy exposes it (ij.IJ._hooks installed by its package, then
 * LegacyService.getInstance().getContext()), with stand-ins of those two classes under another package name.
 */
class FijiContextTest {

	private static final String SERVICE = LegacyService.class.getName();

	/** A patched {@code ij.IJ}: the field ij1-patcher adds. */
	public static final class PatchedIJ {
		public static Object _hooks;
	}

	@AfterEach
	void deactivate() {
		LegacyService.activate(null);
		PatchedIJ._hooks = null;
	}

	@Test
	void plainImageJ1HasNoFijiContext() {
		assertNull(FijiContext.hooks(IJ.class), "Debian's ij.jar is not patched");
		assertNull(FijiContext.find());
	}

	@Test
	void theActiveLegacyServiceGivesItsContext() {
		Context context = CommandCall.newContext();
		try {
			PatchedIJ._hooks = new DefaultLegacyHooks();
			assertNull(FijiContext.fromHooks(FijiContext.hooks(PatchedIJ.class), SERVICE), "no active service yet");
			LegacyService.activate(context);
			assertSame(context, FijiContext.fromHooks(FijiContext.hooks(PatchedIJ.class), SERVICE));
		}
		finally {
			context.dispose();
		}
	}

	@Test
	void hooksOfAnotherPatcherUserAreNotFiji() {
		Context context = CommandCall.newContext();
		try {
			LegacyService.activate(context);
			PatchedIJ._hooks = new Object(); // e.g. ij1-patcher's own essential hooks
			assertNull(FijiContext.fromHooks(FijiContext.hooks(PatchedIJ.class), SERVICE));
			assertNull(FijiContext.fromHooks(null, SERVICE));
			assertNull(FijiContext.fromHooks(new DefaultLegacyHooks(), "org.diffusionij.host.ij1.legacy.Missing"));
		}
		finally {
			context.dispose();
		}
	}
}
