package chatlab.labs.switches;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.bench.results.ResultRow;
import chatlab.bench.results.RunData;
import chatlab.labs.LabTestRuns;
import chatlab.labs.Variant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each sentence of the context-switches reading, fed data that shows it and data that contradicts it. */
class ContextSwitchesPageTest {

    private static final String LAB = ContextSwitchesLab.NAME;

    /** {@code switches} per 10,000 deliveries, {@code voluntary} of them voluntary. */
    private static ResultRow step(String impl, long connections, long switches, long voluntary) {
        return LabTestRuns.row(LAB, impl, connections, 100 << 20, -1, 20, 500, voluntary, switches - voluntary, 10_000, 0);
    }

    private static RunData run(ResultRow... rows) {
        return LabTestRuns.run(LAB, Variant.of(List.of("threaded-platform", "evented")), List.of(rows), List.of(), List.of());
    }

    @Test
    void whichKindOfSwitchDominatedIsSaidOnlyWhenOneDoes() {
        String said = ContextSwitchesPage.mostlyVoluntary(List.of(step("evented", 1000, 1000, 900)));
        assertNotNull(said);
        assertTrue(said.contains("`evented` 90% voluntary"), said);
        assertNull(ContextSwitchesPage.mostlyVoluntary(List.of(step("evented", 1000, 1000, 600))), "60% is neither");
        String involuntary = ContextSwitchesPage.mostlyVoluntary(List.of(step("threaded-platform", 1000, 20_000, 8_000)));
        assertTrue(involuntary != null && involuntary.contains("involuntary") && involuntary.contains("`threaded-platform` 40% voluntary"),
                involuntary);
    }

    @Test
    void switchesLevelWithConnectionsAreToldApartFromSwitchesThatChanged() {
        String said = ContextSwitchesPage.withConnections(run(step("threaded-platform", 100, 17_000, 10_000),
                step("threaded-platform", 1000, 18_000, 10_000), step("evented", 100, 1_600, 1_200), step("evented", 1000, 800, 700)),
                List.of("threaded-platform", "evented"));
        assertNotNull(said);
        assertTrue(said.contains("stayed level as connections grew from 100 to 1,000: `threaded-platform` 1.70 to 1.80"), said);
        assertTrue(said.contains("changed with the number of connections") && said.contains("`evented` 0.16 to 0.08 (0.5x)"), said);

        String contradicting = ContextSwitchesPage.withConnections(run(step("threaded-platform", 100, 10_000, 9_000),
                step("threaded-platform", 1000, 30_000, 9_000)), List.of("threaded-platform", "evented"));
        assertNotNull(contradicting);
        assertFalse(contradicting.contains("stayed level"), "tripled is not level: " + contradicting);
        assertNull(ContextSwitchesPage.withConnections(run(step("evented", 100, 1_000, 900)), List.of("evented")), "one step compares nothing");
    }
}
