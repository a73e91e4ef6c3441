package chatlab.labs.slow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.bench.results.ResultRow;
import chatlab.labs.LabTestRuns;
import chatlab.labs.Variant;
import chatlab.labs.slow.SlowConsumersPage.Cut;
import chatlab.labs.slow.SlowConsumersPage.Poll;
import chatlab.labs.slow.SlowConsumersPage.QueueSample;
import chatlab.labs.slow.SlowConsumersPage.Reader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each sentence of the slow-consumers reading, fed data that shows it and data that contradicts it. */
class SlowConsumersPageTest {

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final long KERNEL = 4 * MIB;

    /**
     * One server's push: the kernel fills to 4 MiB in the first 4 s, then the server's own queue
     * grows 100 KiB per 100 ms sample; it counts its close at {@code cutMs} (polled every 100 ms).
     */
    private static Cut cut(String impl, long bound, long cutMs, long received, int closeCode) {
        List<QueueSample> queues = new ArrayList<>();
        for (long t = 0; t <= cutMs + 500; t += 100) {
            long kernel = Math.min(KERNEL, t * KIB);
            long server = t <= 4096 ? 0 : (t - 4096) * KIB;
            queues.add(new QueueSample(impl, "7", t, kernel + server, kernel));
        }
        List<Poll> polls = new ArrayList<>();
        for (long t = 50; t <= cutMs + 500; t += 100) polls.add(new Poll(impl, t, 100 * MIB, 40 * MIB, t < cutMs ? 0 : 1));
        Reader reader = new Reader(impl, "7", bound, KERNEL + bound + 200 * KIB, KERNEL, cutMs + 300, received, received / 4000, closeCode, "", cutMs + 400);
        return SlowConsumersPage.cut(impl, polls, queues, List.of(reader));
    }

    @Test
    void whatTheServerHeldAtTheCutIsBracketedByThePollsAroundIt() {
        Cut c = cut("evented", MIB, 5150, KERNEL, 1008);
        assertEquals(1, c.closes());
        assertEquals(5050, c.cutFromMs(), 0.1);
        assertEquals(5150, c.cutToMs(), 0.1);
        assertEquals((5000 - 4096) * KIB, c.heldLow(), 0.1, "the last sample at or before the last poll without the close");
        assertEquals((5200 - 4096) * KIB, c.heldHigh(), 0.1, "the first sample at or after the first poll with it");
        assertTrue(c.atBound());
        assertFalse(cut("evented", MIB, 7150, KERNEL, 1008).atBound(), "held about 3 MiB: not at a 1 MiB bound");
    }

    @Test
    void theCutIsSaidToComeAtTheBoundOnlyWhenTheBoundLiesInWhatTheServerHeld() {
        String said = SlowConsumersPage.cutAtBound(List.of(cut("evented", MIB, 5150, KERNEL, 1008)));
        assertNotNull(said);
        assertTrue(said.contains("The cut-off came at the configured bound") && said.contains("`evented` 904.0 KiB to 1.1 MiB (bound 1.0 MiB)"), said);

        String late = SlowConsumersPage.cutAtBound(List.of(cut("netty", MIB, 7150, KERNEL, 1008)));
        assertNotNull(late);
        assertFalse(late.contains("came at the configured bound"), late);
        assertTrue(late.contains("Cut away from the bound: `netty` when it held"), late);

        Cut never = SlowConsumersPage.cut("jetty", List.of(new Poll("jetty", 50, 1, 1, 0), new Poll("jetty", 9000, 1, 1, 0)), List.of(),
                List.of(new Reader("jetty", "7", MIB, 9 * MIB, KERNEL, 9000, 9 * MIB, 2000, 0, "", -1)));
        assertTrue(SlowConsumersPage.cutAtBound(List.of(never)).contains("Counted no slow-consumer close during the push: `jetty`"));
    }

    @Test
    void droppedOrSentIsToldFromWhatTheReaderGotBeyondWhatTheKernelHeld() {
        String said = SlowConsumersPage.droppedOrSent(List.of(cut("evented", MIB, 5150, KERNEL + 4000, 1008),
                cut("java-websocket", MIB, 5150, KERNEL + MIB, 1008)));
        assertNotNull(said);
        assertTrue(said.contains("Dropped what they held at the cut") && said.contains("`evented` 4.0 MiB after 4.0 MiB in the kernel, then 1008"), said);
        assertTrue(said.contains("Sent what they held before the close") && said.contains("`java-websocket` 5.0 MiB"), said);
        assertNull(SlowConsumersPage.droppedOrSent(List.of(cut("netty", MIB, 5150, KERNEL + 300 * KIB, -1))), "between the two: neither said");
    }

    @Test
    void memoryIsSaidBoundedOnlyWhenNoSampleBeforeTheCutPassedTheBound() {
        Cut c = cut("evented", MIB, 5150, KERNEL, 1008);
        List<QueueSample> within = List.of(new QueueSample("evented", "7", 4000, KERNEL, KERNEL), new QueueSample("evented", "7", 5000, KERNEL + 900 * KIB, KERNEL));
        String said = SlowConsumersPage.memoryBounded(List.of(c), within);
        assertNotNull(said);
        assertTrue(said.contains("`evented` at most 900.0 KiB (bound 1.0 MiB"), said);
        List<QueueSample> over = List.of(new QueueSample("evented", "7", 5000, KERNEL + 2 * MIB, KERNEL));
        assertNull(SlowConsumersPage.memoryBounded(List.of(c), over), "2 MiB held before the cut is over a 1 MiB bound");
    }

    @Test
    void theCutOffFollowsTheSettingOnlyWhenEveryBoundOfAModelWasMet() {
        Variant at1m = Variant.of("evented");
        Variant at256k = Variant.of("evented").withServeOptions("--outbound-bound-bytes", "262144");
        Cut small = cut(at256k.label(), 256 * KIB, 4350, KERNEL, 1008);
        assertTrue(small.atBound(), small::toString);
        String said = SlowConsumersPage.boundMoves(List.of(cut("evented", MIB, 5150, KERNEL, 1008), small), List.of(at1m, at256k));
        assertNotNull(said);
        assertTrue(said.contains("`evented` at 1.0 MiB and 256.0 KiB"), said);
        assertNull(SlowConsumersPage.boundMoves(List.of(cut("evented", MIB, 7150, KERNEL, 1008), small), List.of(at1m, at256k)));
    }

    @Test
    void theReadersAreSaidUnharmedOnlyWhenNoneLostAnything() {
        ResultRow fine = LabTestRuns.row(SlowConsumersLab.NAME, "evented", 8, -1, -1, 20, 100, 10, 1, 17_500, 0);
        ResultRow harmed = LabTestRuns.row(SlowConsumersLab.NAME, "netty", 8, -1, -1, 20, 100, 10, 1, 17_000, 12);
        assertTrue(SlowConsumersPage.readersUnharmed(List.of(fine)).contains("a stalled reader cost only itself"));
        String said = SlowConsumersPage.readersUnharmed(List.of(fine, harmed));
        assertTrue(said.contains("missed messages") && said.contains("`netty` 12") && !said.contains("cost only itself"), said);
    }
}
