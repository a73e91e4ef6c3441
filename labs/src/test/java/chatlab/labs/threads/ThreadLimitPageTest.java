package chatlab.labs.threads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.labs.threads.ThreadLimitPage.Held;
import chatlab.labs.threads.ThreadLimitPage.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each sentence of the thread-limit page, fed data that shows its effect and data that contradicts it. */
class ThreadLimitPageTest {

    private static Step step(String server, long attempted, long held, long refused, long threads, long limit) {
        return new Step(server, attempted, held, refused, 0, 0, refused > 0 ? 3 : 0, threads, limit, refused);
    }

    private static final List<Step> PLATFORM_REFUSES = List.of(
            step("threaded-platform", 50, 50, 0, 70, 120), step("threaded-platform", 100, 74, 26, 97, 120),
            step("evented", 50, 50, 0, 20, 120), step("evented", 100, 100, 0, 20, 120));

    @Test
    void refusalsAreSaidWhereTheyHappenedAndOnlyThere() {
        String said = ThreadLimitPage.refusedAtTheLimit(PLATFORM_REFUSES);
        assertTrue(said.contains("`threaded-platform` held 74 of 100 connections and answered 26 with `503`"), said);
        assertTrue(said.contains("the first in the step to 100 attempted"), said);
        assertTrue(said.contains("97 threads of its limit of 120, the other 23"), said);
        assertFalse(said.contains("`evented`"), said);

        assertNull(ThreadLimitPage.refusedAtTheLimit(List.of(step("threaded-platform", 100, 100, 0, 120, 120))),
                "no refusal, no sentence");
    }

    @Test
    void notCaringNeedsEveryConnectionHeldWithThreadsBelowTheLimit() {
        String said = ThreadLimitPage.didNotCare(PLATFORM_REFUSES);
        assertTrue(said.contains("`evented` held all 100 with at most 20 threads (limit 120)"), said);
        assertFalse(said.contains("threaded-platform"), said);

        // Held everything, but its threads reached the limit: that is caring.
        assertNull(ThreadLimitPage.didNotCare(List.of(step("threaded-virtual", 100, 100, 0, 120, 120))));
        // Below the limit, but one client was closed without an answer.
        assertNull(ThreadLimitPage.didNotCare(List.of(new Step("evented", 100, 99, 0, 1, 0, 0, 20, 120, 0))));
    }

    @Test
    void clientsWithoutAnAnswerAreNamed() {
        assertTrue(ThreadLimitPage.unanswered(PLATFORM_REFUSES).startsWith("Every client got an answer"));
        String said = ThreadLimitPage.unanswered(List.of(new Step("threaded-platform", 100, 70, 20, 6, 4, 3, 97, 120, 20)));
        assertTrue(said.contains("`threaded-platform` 6 closed without an answer, 4 unanswered"), said);
        assertNull(ThreadLimitPage.unanswered(List.of()));
    }

    @Test
    void aRefusedStatsRequestIsSaidPerServer() {
        assertNull(ThreadLimitPage.statsRefused(PLATFORM_REFUSES));
        String said = ThreadLimitPage.statsRefused(List.of(new Step("threaded-platform", 100, 74, 26, 0, 0, 3, 97, 120, -1)));
        assertTrue(said.contains("`threaded-platform` (1 steps)"), said);
    }

    @Test
    void heldConnectionsAnsweringOrNot() {
        String all = ThreadLimitPage.heldAnswered(List.of(new Held("threaded-platform", 74, 74, 900, 276, 226)));
        assertTrue(all.startsWith("Every connection held"), all);
        String some = ThreadLimitPage.heldAnswered(List.of(new Held("threaded-platform", 74, 60, 10_000, 276, 226)));
        assertTrue(some.startsWith("Not every held connection answered the ping: `threaded-platform` 60 of 74"), some);
        assertFalse(some.contains("Every connection held"), some);
        assertNull(ThreadLimitPage.heldAnswered(List.of(new Held("evented", 0, 0, 0, 0, 0))));
    }

    @Test
    void theCounterIsComparedWithWhatClientsSaw() {
        List<Step> lasts = ThreadLimitPage.lastSteps(PLATFORM_REFUSES);
        assertEquals(2, lasts.size());
        String covered = ThreadLimitPage.counted(lasts, List.of(new Held("threaded-platform", 74, 74, 900, 30, 26)));
        assertTrue(covered.contains("`threaded-platform` 30 for 26 refusals seen"), covered);
        String short_ = ThreadLimitPage.counted(lasts, List.of(new Held("threaded-platform", 74, 74, 900, 20, 26)));
        assertTrue(short_.startsWith("`/stats` counted fewer than the clients saw"), short_);
        assertNull(ThreadLimitPage.counted(ThreadLimitPage.lastSteps(List.of(step("evented", 100, 100, 0, 20, 120))),
                List.of(new Held("evented", 100, 100, 50, 0, 0))), "nothing refused, nothing to count");
    }
}
