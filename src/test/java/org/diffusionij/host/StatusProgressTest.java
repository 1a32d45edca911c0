package org.diffusionij.host;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.diffusionij.pipelines.CancelledException;
import org.diffusionij.pipelines.Progress;
import org.scijava.Cancelable;
import org.scijava.app.StatusService;
import org.junit.jupiter.api.Test;

/** The SciJava bridge passes messages and counts to the status bar and cancels with the command. */
class StatusProgressTest {

	/** A command's cancel state, as SciJava's ContextCommand keeps it. */
	private static final class FakeCommand implements Cancelable {
		private String reason;

		@Override
		public boolean isCanceled() {
			return reason != null;
		}

		@Override
		public void cancel(String why) {
			reason = why;
		}

		@Override
		public String getCancelReason() {
			return reason;
		}
	}

	/** A StatusService that records each call as "method args". */
	private static StatusService recorder(List<String> calls) {
		return (StatusService) Proxy.newProxyInstance(StatusService.class.getClassLoader(),
			new Class<?>[] { StatusService.class }, (proxy, method, args) -> {
				calls.add(method.getName() + " " + (args == null ? "" : Arrays.toString(args)));
				return null;
			});
	}

	@Test
	void messagesAndStepsReachTheStatusBar() {
		List<String> calls = new ArrayList<>();
		Progress p = new StatusProgress(recorder(calls), new FakeCommand());
		p.status("Denoising blobs");
		p.step(3, 10);
		p.step(10, 10);
		assertEquals(Arrays.asList("showStatus [Denoising blobs]", "showStatus [3, 10, Denoising blobs]",
			"showStatus [10, 10, Denoising blobs]"), calls);
	}

	@Test
	void hugeCountsAreScaledIntoInts() {
		List<String> calls = new ArrayList<>();
		new StatusProgress(recorder(calls), null).step(3_000_000_000L, 6_000_000_000L);
		assertEquals("showStatus [1000000000, 2000000000, ]", calls.get(0));
	}

	@Test
	void cancelFollowsTheCommand() {
		FakeCommand command = new FakeCommand();
		Progress p = new StatusProgress(recorder(new ArrayList<>()), command);
		assertFalse(p.isCancelled());
		p.checkCancelled();
		command.cancel("Cancel button");
		assertTrue(p.isCancelled());
		assertThrows(CancelledException.class, p::checkCancelled);
		assertFalse(new StatusProgress(recorder(new ArrayList<>()), null).isCancelled());
	}
}
