package chatlab.bench.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.bench.results.ResultRow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cluster section's sentences say what the data shows, and nothing when it does not. */
class ClusterSectionTest {

    /** A configuration whose servers spent {@code cpuMs} each, with Redis spending {@code redisMs}, for 10,000 deliveries. */
    private static ClusterFigures.Measured measured(int processes, boolean broker, List<Long> cpuMs, long redisMs, long p99Us, long errors) {
        ResultRow row = new ResultRow(ClusterSuite.NAME, "evented/" + processes + broker, 200, 200, 1, 1, -1, 1, 1, 1, 1, "getrusage",
                0, -1, 1000, p99Us, p99Us, p99Us, 200, 10_000, 2000, 2000, errors);
        return new ClusterFigures.Measured(row.impl(), "evented", processes, broker, 200, 4000, 200, cpuMs, broker ? redisMs : -1,
                broker ? 1200 : -1, row);
    }

    @Test
    void theCostSentenceAddsEveryProcessAndComparesWithTheProcessAlone() {
        List<ClusterFigures.Measured> all = List.of(measured(1, false, List.of(400L), -1, 50_000, 0),
                measured(2, true, List.of(500L, 500L), 200, 90_000, 0));
        String cost = ClusterSection.cost(all, "evented", 200);
        assertTrue(cost.contains("40.0 ms") && cost.contains("120.0 ms (3.0x)"), cost);
        assertEquals(6.0, all.get(1).commandsPerMessage());
        String latency = ClusterSection.latency(all, "evented", 200);
        assertTrue(latency.contains("alone 50.0 ms") && latency.contains("2+redis 90.0 ms"), latency);
    }

    @Test
    void nothingIsComparedWithAStepThatLostMessagesOrAConfigurationNotMeasured() {
        List<ClusterFigures.Measured> lossyAlone = List.of(measured(1, false, List.of(400L), -1, 50_000, 3),
                measured(2, true, List.of(500L, 500L), 200, 90_000, 0));
        assertNull(ClusterSection.cost(lossyAlone, "evented", 200));
        assertNull(ClusterSection.latency(lossyAlone, "evented", 200));
        List<ClusterFigures.Measured> aloneOnly = List.of(measured(1, false, List.of(400L), -1, 50_000, 0));
        assertNull(ClusterSection.cost(aloneOnly, "evented", 200));
        assertNull(ClusterSection.latency(aloneOnly, "evented", 200));
        List<ClusterFigures.Measured> unknownCpu = List.of(measured(1, false, List.of(400L), -1, 50_000, 0),
                measured(2, true, List.of(500L, -1L), 200, 90_000, 0));
        assertNull(ClusterSection.cost(unknownCpu, "evented", 200), "a process whose CPU is unknown makes no total");
    }
}
