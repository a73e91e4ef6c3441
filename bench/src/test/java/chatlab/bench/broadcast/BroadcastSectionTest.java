package chatlab.bench.broadcast;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.bench.results.Report;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.RunData;
import chatlab.bench.results.TestRuns;
import java.nio.file.Path;
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

    private static String nodeTail(List<ResultRow> rows) {
        Report report = new Report(Path.of("README.md"));
        BroadcastSection.nodeTailTarget(report, TestRuns.run(rows));
        return report.text();
    }

    @Test
    void theNodeTailTargetIsMetOnlyAtBothStepsAndWithNothingLost() {
        String met = nodeTail(List.of(step("evented", 2_000, 6_000, 1, 0), step("node-ws", 2_000, 6_500, 1, 0),
                step("evented", 5_000, 11_000, 1, 0), step("node-ws", 5_000, 11_000, 1, 0)));
        assertTrue(met.startsWith("- **met**") && met.contains("N=2,000: evented 6.0 ms <= node-ws 6.5 ms")
                && met.contains("N=5,000: evented 11.0 ms <= node-ws 11.0 ms"), met);

        String slower = nodeTail(List.of(step("evented", 2_000, 6_000, 1, 0), step("node-ws", 2_000, 6_500, 1, 0),
                step("evented", 5_000, 16_000, 1, 0), step("node-ws", 5_000, 11_400, 1, 0)));
        assertTrue(slower.startsWith("- **MISSED**") && slower.contains("N=5,000: evented 16.0 ms > node-ws 11.4 ms"), slower);

        String lost = nodeTail(List.of(step("evented", 2_000, 6_000, 1, 3), step("node-ws", 2_000, 6_500, 1, 0),
                step("evented", 5_000, 11_000, 1, 0), step("node-ws", 5_000, 11_000, 1, 0)));
        assertTrue(lost.startsWith("- **MISSED**") && lost.contains("evented lost or duplicated 3"), lost);
    }

    @Test
    void theNodeTailTargetIsNotMeasuredInAQuickRun() {
        String quick = nodeTail(List.of(step("evented", 500, 1_000, 1, 0), step("node-ws", 500, 9_000, 1, 0)));
        assertTrue(quick.startsWith("- **not measured in this run**") && quick.contains("N=2,000: evented not measured"), quick);

        String oneStep = nodeTail(List.of(step("evented", 2_000, 6_000, 1, 0), step("node-ws", 2_000, 6_500, 1, 0),
                step("evented", 5_000, 11_000, 1, 0)));
        assertTrue(oneStep.startsWith("- **not measured in this run**") && oneStep.contains("N=5,000: node-ws not measured"), oneStep);
    }
}
