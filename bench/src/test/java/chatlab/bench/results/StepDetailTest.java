package chatlab.bench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** steps.csv round-trips, and a run written before {@code sampled_ms} existed is still read. */
class StepDetailTest {

    @TempDir
    Path dir;

    @Test
    void aStepRoundTripsWithANoteThatHoldsCommas() throws Exception {
        StepDetail step = new StepDetail("broadcast", "evented", 19_000, 19_000, 4096, 1, 2, 19_000, 190_000.0, 15_000,
                17_500, "not held: p99 1.52 s above 250 ms, first: x", 30_120);
        Path file = dir.resolve("steps.csv");
        ResultsCsv.writeDetails(file, List.of(step));
        assertEquals(List.of(step), ResultsCsv.readDetails(file));
    }

    @Test
    void aRunWithoutSampledTimeIsReadWithMinusOne() throws Exception {
        Path file = dir.resolve("steps.csv");
        Files.write(file, List.of(String.join(",", StepDetail.COLUMNS_BEFORE_SAMPLED_MS),
                "flood,evented,19913,19913,4096,1,3,19913,0.0,2113,1480,\"stopped at the server's file limit: 20,000 open files\""));
        StepDetail step = ResultsCsv.readDetails(file).get(0);
        assertEquals("stopped at the server's file limit: 20,000 open files", step.note());
        assertEquals(-1, step.sampledMs());
        assertEquals(1480, step.generatorCpuMs());
    }
}
