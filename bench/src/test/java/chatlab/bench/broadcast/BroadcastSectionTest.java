package chatlab.bench.broadcast;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.bench.results.ResultRow;
import chatlab.bench.results.RunData;
import chatlab.bench.results.TestRuns;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The broadcast reading's sentences, each fed data that contradicts it. */
class BroadcastSectionTest {

    private static ResultRow step(String impl, long clients, long p99Us, long cpuMs, long errors) {
        return TestRuns.load("broadcast", impl, clients, p99Us, 190_000, 150_000, 1000, 2_000_000, cpuMs, errors);
    }

    @Test
    void aFullCoreIsNamedAsTheLimitOnlyWhenTheCoreWasFullAndTheStepFailed() {
        ResultRow last = step("evented", 19_000, 1_500_000, 20_000, 0);
        RunData full = TestRuns.run(List.of(step("evented", 15_000, 100_000, 15_000, 0), last),
                List.of(TestRuns.detail(last, 20_750, 17_000, "not held: p99 1.50 s above 250 ms")), List.of());
        String said = BroadcastSection.eventLoopSaturated(full);
        assertTrue(said.contains("96% of one core") && said.contains("The server's core was full"), said);

        ResultRow idle = step("evented", 19_000, 1_500_000, 10_000, 0);
        RunData halfBusy = TestRuns.run(List.of(step("evented", 15_000, 100_000, 15_000, 0), idle),
                List.of(TestRuns.detail(idle, 20_750, 17_000, "")), List.of());
        String contradicted = BroadcastSection.eventLoopSaturated(halfBusy);
        assertFalse(contradicted.contains("core was full"), contradicted);

        ResultRow held = step("evented", 19_000, 100_000, 20_000, 0);
        RunData stillHeld = TestRuns.run(List.of(held), List.of(TestRuns.detail(held, 20_750, 17_000, "")), List.of());
        assertFalse(BroadcastSection.eventLoopSaturated(stillHeld).contains("core was full"), "a held step found no limit");
    }

    @Test
    void wherePeersPartIsSaidOnlyWhenEventedsStepThereWasClean() {
        List<String> impls = List.of("evented", "netty");
        RunData run = TestRuns.run(List.of(step("evented", 10_000, 20_000, 1, 0), step("evented", 15_000, 90_000, 1, 0),
                step("netty", 10_000, 100_000, 1, 0), step("netty", 15_000, 3_000_000, 1, 0)));
        String said = BroadcastSection.partingStep(run, impls);
        assertTrue(said.contains("At N = 10,000") && said.contains("`netty` 100.0 ms (5.0x)"), said);

        RunData eventedLost = TestRuns.run(List.of(step("evented", 10_000, 20_000, 1, 50), step("evented", 15_000, 90_000, 1, 0),
                step("netty", 10_000, 100_000, 1, 0), step("netty", 15_000, 3_000_000, 1, 0)));
        assertNull(BroadcastSection.partingStep(eventedLost, impls), "evented lost messages there: no fair comparison");

        RunData sameStep = TestRuns.run(List.of(step("evented", 10_000, 20_000, 1, 0), step("netty", 10_000, 100_000, 1, 0)));
        assertNull(BroadcastSection.partingStep(sameStep, impls), "the step every implementation shares is ranked already");
    }
}
