package chatlab.labs.blocking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.bench.load.LoadPlan;
import chatlab.labs.blocking.BlockingPage.Phases;
import chatlab.labs.blocking.BlockingPage.Point;
import chatlab.labs.blocking.BlockingPage.Request;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The blocking-the-loop page's figures and sentences, fed timelines that show an effect and timelines that contradict it. */
class BlockingPageTest {

    /** Quiet from 1 s to 3 s; sleeps of 200 ms at 3.0, 3.5, 4.0 s; computes of 200 ms at 5.0, 5.5, 6.0 s. */
    private static final Phases PHASES = Phases.of(1_000, List.of(
            new LoadPlan.Burst(new LoadPlan.Work("sleep", 200), 3_000, 4_500, 500),
            new LoadPlan.Burst(new LoadPlan.Work("compute", 200), 5_000, 6_500, 500)));

    /**
     * A server's timeline in 50 ms buckets from 0 to 7 s: {@code base} microseconds everywhere,
     * and {@code stalled} in the buckets of the first 200 ms after each request of {@code blockedBy}.
     */
    private static List<Point> timeline(String server, long base, long stalled, String... blockedBy) {
        List<Point> points = new ArrayList<>();
        for (long t = 0; t < 7_000; t += 50) {
            boolean hit = false;
            for (String type : blockedBy) {
                long from = type.equals("sleep") ? 3_000 : 5_000;
                for (long r = from; r < from + 1_500; r += 500) hit |= t >= r && t < r + 200;
            }
            points.add(new Point(server, t, 20, base / 2, hit ? stalled : base));
        }
        return points;
    }

    private static List<Request> requests(String server, long latencyMicros, String thread) {
        List<Request> requests = new ArrayList<>();
        for (long r = 3_000; r < 4_500; r += 500) requests.add(new Request(server, "sleep", 200, r, latencyMicros, thread));
        for (long r = 5_000; r < 6_500; r += 500) requests.add(new Request(server, "compute", 200, r, latencyMicros, thread));
        return requests;
    }

    @Test
    void typicalFiguresAreMediansOverRequestsAndQuietWindows() {
        List<Point> loop = timeline("evented", 2_000, 180_000, "sleep", "compute");
        List<Request> asked = requests("evented", 210_000, "evented-loop");
        assertEquals(180_000, BlockingPage.typicalDuring(loop, asked, "sleep"));
        assertEquals(2_000, BlockingPage.typicalQuiet(loop, PHASES.quiet(), 200));

        // One stall of the machine in the quiet span, one in one request's window: neither moves a median.
        List<Point> noisy = new ArrayList<>(timeline("threaded-platform", 2_000, 2_000));
        noisy.set(30, new Point("threaded-platform", 1_500, 20, 1_000, 900_000));
        noisy.set(62, new Point("threaded-platform", 3_100, 20, 1_000, 900_000));
        assertEquals(2_000, BlockingPage.typicalQuiet(noisy, PHASES.quiet(), 200));
        assertEquals(2_000, BlockingPage.typicalDuring(noisy, requests("threaded-platform", 210_000, "t"), "sleep"));
        assertEquals(-1, BlockingPage.typicalDuring(noisy, List.of(), "sleep"));
    }

    @Test
    void theOthersWaitOnlyWhereTheDataSaysSo() {
        List<String> labels = List.of("evented", "evented --workers 2");
        List<Point> timeline = new ArrayList<>(timeline("evented", 2_000, 180_000, "sleep", "compute"));
        timeline.addAll(timeline("evented --workers 2", 2_000, 3_000, "sleep"));
        List<Request> requests = new ArrayList<>(requests("evented", 210_000, "evented-loop"));
        requests.addAll(requests("evented --workers 2", 210_000, "evented-worker-1"));

        String waited = BlockingPage.othersWaited(labels, timeline, requests, PHASES, "sleep");
        assertTrue(waited.contains("`evented` 180.0 ms (quiet: 2.0 ms)"), waited);
        assertFalse(waited.contains("--workers"), waited);
        String didNot = BlockingPage.othersDidNotWait(labels, timeline, requests, PHASES, "sleep");
        assertTrue(didNot.contains("`evented --workers 2` 3.0 ms"), didNot);
        assertFalse(didNot.contains("`evented` "), didNot);

        // Stalls the size of the work, but as large when quiet: not the blocker's doing.
        List<Point> alwaysSlow = timeline("evented", 150_000, 180_000, "sleep");
        assertNull(BlockingPage.othersWaited(List.of("evented"), alwaysSlow, requests("evented", 210_000, "evented-loop"), PHASES, "sleep"));
        // Neither clearly waited nor clearly not (a third of the work): no sentence either way.
        List<Point> between = timeline("evented", 2_000, 70_000, "compute");
        List<Request> asked = requests("evented", 210_000, "evented-loop");
        assertNull(BlockingPage.othersWaited(List.of("evented"), between, asked, PHASES, "compute"));
        assertNull(BlockingPage.othersDidNotWait(List.of("evented"), between, asked, PHASES, "compute"));
    }

    @Test
    void theCallerWaitsInEveryServerOrTheSentenceIsNotSaid() {
        List<String> labels = List.of("evented", "threaded-platform");
        List<Request> requests = new ArrayList<>(requests("evented", 210_000, "evented-loop"));
        requests.addAll(requests("threaded-platform", 205_000, "chatlab-platform-3"));
        String said = BlockingPage.callerWaited(labels, requests, PHASES);
        assertTrue(said.contains("`evented` sleep 210.0 ms, compute 210.0 ms"), said);

        List<Request> fast = new ArrayList<>(requests("evented", 210_000, "evented-loop"));
        fast.addAll(requests("threaded-platform", 50_000, "chatlab-platform-3"));
        assertNull(BlockingPage.callerWaited(labels, fast, PHASES), "an answer faster than the work contradicts it");
    }

    @Test
    void whereTheWorkRanIsNamedWithoutThreadNumbers() {
        List<Request> requests = new ArrayList<>(requests("threaded-platform", 205_000, "chatlab-platform-3"));
        requests.add(new Request("threaded-virtual", "sleep", 200, 3_000, 201_000, "virtual:1234"));
        assertEquals(List.of("chatlab-platform-N"), BlockingPage.threads(requests.subList(0, 3)));
        String said = BlockingPage.whereItRan(List.of("threaded-platform", "threaded-virtual"), requests);
        assertTrue(said.contains("`threaded-platform` on chatlab-platform-N"), said);
        assertTrue(said.contains("`threaded-virtual` on a virtual thread"), said);
        assertNull(BlockingPage.whereItRan(List.of("evented"), List.of()));
    }
}
