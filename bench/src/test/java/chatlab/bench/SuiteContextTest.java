package chatlab.bench;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.bench.load.LoadResult;
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
}
