package chatlab.bench;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chatlab.bench.load.LoadResult;
import chatlab.protocol.server.Implementation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which load steps fail the run: the checks behind {@code bench}'s exit code. */
class SuiteContextTest {

    private static LoadResult result(long expected, long delivered, long duplicates, long errors, long closedAsSlow) {
        return new LoadResult(100, expected, delivered, duplicates, errors, delivered, expected, closedAsSlow, 1000, "first", null);
    }

    @Test
    void aCleanStepPasses() {
        assertNull(SuiteContext.checkLoad(result(500, 500, 0, 0, 0), null));
    }

    @Test
    void aLossWithoutASlowConsumerCloseFails() {
        String failed = SuiteContext.checkLoad(result(500, 480, 0, 0, 0), null);
        assertNotNull(failed);
        assertTrue(failed.contains("20 deliveries lost"), failed);
    }

    @Test
    void aLossWithSlowConsumersClosedIsTheDesignedLimit() {
        // Two connections closed 1008, each counted once among the errors; their queued deliveries are lost, as PROTOCOL.md says.
        assertNull(SuiteContext.checkLoad(result(500, 300, 0, 2, 2), null));
    }

    @Test
    void duplicatesErrorAnswersAndADeadServerFail() {
        assertNotNull(SuiteContext.checkLoad(result(500, 500, 1, 0, 0), null));
        assertNotNull(SuiteContext.checkLoad(result(500, 500, 0, 3, 2), null), "one error more than the 1008 closes");
        assertNotNull(SuiteContext.checkLoad(result(500, 500, 0, 0, 0), "evented exited with 137"));
    }

    @Test
    void aStudentsClassesRunAfterTheImplementationsAndFailAlone() {
        Recorder recorder = new Recorder(null, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        SuiteContext context = new SuiteContext(null, null, recorder, null, 1, List.of(), 1, 1, 1, 0,
                List.of("class:my.EchoServer", "class:my.Codec@threaded-virtual"));
        List<String> visited = new ArrayList<>();
        context.forEach("echo", List.of(Implementation.EVENTED), model -> {
            visited.add(model);
            if (model.equals("class:my.EchoServer")) throw new IllegalStateException("did not start");
        });
        assertEquals(List.of("evented", "class:my.EchoServer", "class:my.Codec@threaded-virtual"), visited);
        assertEquals(1, recorder.failures().size(), "the class that threw is a failure of its own: " + recorder.failures());
        assertEquals("class:my.EchoServer", recorder.failures().get(0).impl());
    }
}
