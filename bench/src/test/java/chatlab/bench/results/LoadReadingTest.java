package chatlab.bench.results;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each sentence a load suite's section may say, fed data that shows it and data that contradicts it. */
class LoadReadingTest {

    private static ResultRow row(String impl, double offered, double delivered, long switches) {
        return TestRuns.load("echo", impl, 1000, 5_000, offered, delivered, switches, 100_000, 2_000, 0);
    }

    @Test
    void fallingBehindIsSaidOnlyWhereArrivalsFellShort() {
        RunData behind = TestRuns.run(List.of(row("evented", 5000, 5000, 100), row("threaded-platform", 5000, 3000, 100)));
        String said = LoadReading.fellBehind(behind, "echo");
        assertNotNull(said);
        assertTrue(said.contains("`threaded-platform` at 1,000 (3,000 of 5,000/s, 60%)") && !said.contains("`evented`"), said);
        assertNull(LoadReading.fellBehind(TestRuns.run(List.of(row("evented", 5000, 4990, 100))), "echo"));
    }

    @Test
    void keepingUpEverywhereIsSaidOnlyWhenEveryStepKeptUp() {
        assertNotNull(LoadReading.allKeptUp(TestRuns.run(List.of(row("evented", 5000, 5000, 1), row("netty", 5000, 4900, 1))), "echo"));
        assertNull(LoadReading.allKeptUp(TestRuns.run(List.of(row("evented", 5000, 5000, 1), row("netty", 5000, 4000, 1))), "echo"));
        assertNull(LoadReading.allKeptUp(TestRuns.run(List.of(row("evented", Double.NaN, 5000, 1))), "echo"),
                "no offered load recorded: nothing to keep up with");
    }

    @Test
    void moreSwitchesPerDeliveryAreSaidOnlyWhenTheDataShowsThem() {
        // 100,000 deliveries: evented 10,000 switches (0.10 each), threaded-virtual 50,000 (0.50 each).
        RunData more = TestRuns.run(List.of(row("evented", 1, 1, 10_000), row("threaded-virtual", 1, 1, 50_000)));
        String said = LoadReading.switchComparison(more, "echo", 1000, "Why.");
        assertNotNull(said);
        assertTrue(said.contains("Thread per connection switched more") && said.contains("`threaded-virtual` 0.50 (5.0x)"), said);

        RunData equal = TestRuns.run(List.of(row("evented", 1, 1, 10_000), row("threaded-virtual", 1, 1, 12_000)));
        assertNull(LoadReading.switchComparison(equal, "echo", 1000, "Why."), "1.2x is no finding");

        RunData fewer = TestRuns.run(List.of(row("evented", 1, 1, 50_000), row("threaded-virtual", 1, 1, 10_000)));
        String contradicted = LoadReading.switchComparison(fewer, "echo", 1000, "Why.");
        assertTrue(contradicted != null && !contradicted.contains("switched more") && !contradicted.contains("Why.")
                && contradicted.contains("Fewer"), contradicted);
    }

    @Test
    void switchesMeasuredTwoWaysAreNotCompared() {
        ResultRow liveThreads = new ResultRow("echo", "threaded-virtual", 1000, 1000, 1, 1, 1, 1, 1, 40_000, 10_000,
                ResultRow.PROC_LIVE_THREADS, 1, 1, 1, 1, 1, 1, 1, 100_000, 1, 1, 0);
        assertNull(LoadReading.switchComparison(TestRuns.run(List.of(row("evented", 1, 1, 10_000), liveThreads)), "echo", 1000, "Why."));
    }

    @Test
    void aSaturatedGeneratorIsSaidToSetThePace() {
        ResultRow r = row("evented", 1, 1, 1);
        String busy = LoadReading.generatorLoad(TestRuns.run(List.of(r), List.of(TestRuns.detail(r, 10_000, 9_000, "")), List.of()), "echo");
        assertTrue(busy.contains("close to saturated"), busy);
        String idle = LoadReading.generatorLoad(TestRuns.run(List.of(r), List.of(TestRuns.detail(r, 10_000, 2_000, "")), List.of()), "echo");
        assertTrue(!idle.contains("saturated") && idle.contains("not what set the pace"), idle);
    }
}
