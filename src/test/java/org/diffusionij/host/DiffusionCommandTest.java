package org.diffusionij.host;

import static org.junit.jupiter.api.Assertions.*;

import ij.ImagePlus;
import ij.process.ByteProcessor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.log.LogLevel;
import org.scijava.log.LogService;
import org.scijava.module.Module;
import org.junit.jupiter.api.Test;

/** How a command reports a failure when SciJava (as in Fiji) runs it directly, with no host in between. */
class DiffusionCommandTest {

	@Test
	void aFailureIsLoggedAsAMessageAndCancelsTheModule() throws Exception {
		Context context = CommandCall.newContext();
		try {
			List<String> errors = new ArrayList<>();
			context.service(LogService.class).addLogListener(m -> {
				if (m.level() == LogLevel.ERROR) errors.add(m.text());
			});
			Map<String, Object> inputs = new HashMap<>();
			inputs.put(DiffusionCommand.IMAGE, new ImagePlus("in", new ByteProcessor(4, 4)));
			inputs.put("fail", true);
			Module module = context.service(CommandService.class).run(ScaleTestCommand.class, true, inputs).get();
			ScaleTestCommand command = (ScaleTestCommand) ((CommandModule) module).getCommand();
			assertTrue(command.isCanceled());
			assertEquals("Failing on purpose: fail was set.", command.getCancelReason());
			assertEquals(List.of("Failing on purpose: fail was set."), errors, "once, as a message");
			assertNull(module.getOutput(DiffusionCommand.RESULT));
		}
		finally {
			context.dispose();
		}
	}
}
