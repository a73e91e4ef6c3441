package chatlab.labs.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.labs.parallel.ParallelismPage.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parallelism page's sentences, fed steps that show an effect and steps that contradict it. */
class ParallelismPageTest {

    /**
     * A step of computes of 10 ms: {@code answersPerS} of them completed a second, on a two-core
     * machine where nothing but the server and the generator ran.
     */
    private static Step step(String server, double offeredCores, double answersPerS, double serverCores, long p99Us) {
        return busy(server, offeredCores, answersPerS, serverCores, p99Us, serverCores + 0.03);
    }

    /** The same, with the whole machine busy {@code machineCores} meanwhile. */
    private static Step busy(String server, double offeredCores, double answersPerS, double serverCores, long p99Us,
                             double machineCores) {
        return new Step(server, offeredCores, offeredCores * 100, answersPerS, 10, new Cpu(serverCores, 0.03, machineCores, 2),
                p99Us / 2, p99Us, 1000, 1000, 0);
    }

    private static final List<Step> STEPS = List.of(
            step("threaded-platform", 0.5, 50, 0.52, 30_000), step("threaded-platform", 1.5, 148, 1.55, 40_000),
            step("evented", 0.5, 50, 0.51, 30_000), step("evented", 1.5, 99, 1.0, 4_000_000),
            step("evented --workers 2", 0.5, 50, 0.52, 30_000), step("evented --workers 2", 1.5, 120, 1.2, 900_000));

    @Test
    void completedWorkIsAnswersTimesTheWorkOfOne() {
        assertEquals(1.48, STEPS.get(1).completedCores(), 1e-9);
        assertEquals(3, ParallelismPage.topSteps(STEPS).size());
        assertEquals(1.5, ParallelismPage.topSteps(STEPS).get("evented").offeredCores());
    }

    @Test
    void bothCoresOnlyWhereMoreThanOneCoresWorthGotDone() {
        String said = ParallelismPage.usedBothCores(STEPS);
        assertTrue(said.contains("`threaded-platform` (completed 1.48 of 1.50 offered, its process using 1.55 cores)"), said);
        assertFalse(said.contains("`evented`"), said);
        assertFalse(said.contains("--workers"), "1.2 cores' worth is not both cores by the page's rule: " + said);
        assertNull(ParallelismPage.usedBothCores(List.of(step("threaded-platform", 1.5, 100, 1.0, 900_000))));
    }

    @Test
    void oneCoreOnlyWhereOfferedWorkBeyondItQueued() {
        String said = ParallelismPage.stayedAtOne(STEPS);
        assertTrue(said.contains("`evented` (completed 0.99 of 1.50 offered, its process using 1.00 cores while 0.97 cores of the "
                + "machine stayed idle; its p99 grew to 4.00 s)"), said);
        assertFalse(said.contains("threaded-platform"), said);
        // One core's worth done, but only one offered: nothing says it could have done more.
        assertNull(ParallelismPage.stayedAtOne(List.of(step("evented", 1.0, 100, 1.0, 30_000))));
    }

    @Test
    void theGeneratorsLargestShareIsSaid() {
        assertTrue(ParallelismPage.generator(STEPS).contains("at most 0.03 of a core"));
        assertNull(ParallelismPage.generator(List.of(new Step("evented", 1, 100, 100, 10, new Cpu(1, Double.NaN, 1.2, 2), 1, 1, 1, 1, 0))));
    }

    @Test
    void aServerCrowdedOutByOtherWorkIsNotSaidToStayAtOneCore() {
        // Two servers short of one core while other programs kept the machine busy.
        List<Step> crowded = List.of(busy("threaded-platform", 1.5, 47, 0.54, 16_000_000, 1.95),
                busy("evented", 1.5, 95, 0.97, 9_000_000, 1.90));
        assertNull(ParallelismPage.stayedAtOne(crowded), "no idle CPU: nothing says the server could not use it");
        String said = ParallelismPage.crowdedOut(crowded);
        assertTrue(said.contains("`threaded-platform` (completed 0.47 of 1.50 offered, its process using 0.54 cores, other work 1.38, "
                + "idle 0.05)"), said);
        assertTrue(said.contains("`evented` (completed 0.95"), said);
        assertEquals(1.38, crowded.getFirst().cpu().others(), 1e-9);
        // The same servers on a quiet machine: the one-core reading holds for evented, nothing is crowded out.
        assertNull(ParallelismPage.crowdedOut(STEPS), ParallelismPage.crowdedOut(STEPS));
        assertNull(ParallelismPage.crowdedOut(List.of(busy("threaded-platform", 1.5, 148, 1.55, 40_000, 1.99))),
                "both cores used: the machine being full is no excuse to give");
    }
}
