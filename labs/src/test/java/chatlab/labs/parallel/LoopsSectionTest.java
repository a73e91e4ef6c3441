package chatlab.labs.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.labs.parallel.LoopsSection.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Part 2's reading, fed steps that show more loops helping, steps where neither was the limit, and steps that contradict both. */
class LoopsSectionTest {

    private static Step step(String server, String suite, double offered, double delivered, double serverCores, long p99Us) {
        return new Step(server, suite, offered, delivered, new Cpu(serverCores, 0.4, serverCores + 0.45, 2), p99Us / 2, p99Us, 1000, 1000, 0);
    }

    @Test
    void moreLoopsDeliveredMoreOnlyWhereOneLoopFellBehind() {
        List<Step> steps = List.of(
                step("evented", "broadcast", 4_000, 4_000, 0.3, 5_000), step("evented", "broadcast", 40_000, 24_000, 1.0, 3_000_000),
                step("evented --loops 2", "broadcast", 4_000, 4_000, 0.35, 5_000),
                step("evented --loops 2", "broadcast", 40_000, 39_500, 1.4, 40_000));
        String said = LoopsSection.compare(steps, "broadcast");
        assertTrue(said.startsWith("In broadcast more loops delivered more: at 40,000/s offered, `evented` delivered 24,000/s"), said);
        assertTrue(said.contains("Its process used more than one core"), said);
        assertEquals(40_000, LoopsSection.topSteps(steps, "broadcast").get("evented").offeredPerS());
        assertNull(LoopsSection.compare(steps, "echo"), "no echo steps: nothing to say");
    }

    @Test
    void whenBothKeptUpNeitherIsSaidToHaveHelped() {
        List<Step> steps = List.of(step("evented", "echo", 10_000, 9_990, 0.4, 2_000), step("evented --loops 2", "echo", 10_000, 10_010, 0.5, 1_500));
        String said = LoopsSection.compare(steps, "echo");
        assertTrue(said.startsWith("In echo both kept up with the offered load"), said);
        assertTrue(said.contains("one loop was not the limit"), said);
    }

    @Test
    void moreLoopsThatDidNotDeliverMoreAreSaidSo() {
        // One loop fell behind, and two did no better: not "more loops delivered more".
        List<Step> steps = List.of(step("evented", "echo", 30_000, 20_000, 1.0, 900_000),
                step("evented --loops 2", "echo", 30_000, 20_500, 1.1, 950_000));
        String said = LoopsSection.compare(steps, "echo");
        assertTrue(said.startsWith("In echo more loops did not deliver more"), said);
        assertNull(LoopsSection.compare(List.of(steps.getFirst()), "echo"), "without a server of several loops there is no comparison");
    }
}
