package chatlab.bench.transports;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.bench.load.Traffic;
import chatlab.bench.load.Transport;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.RunData;
import chatlab.bench.results.TestRuns;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The transports reading's sentences, each fed data that shows it and data that contradicts it. */
class TransportsSectionTest {

    private static final List<String> MODELS = List.of("threaded-platform", "threaded-virtual", "evented");
    private static final long N = 1000;
    private static final long WINDOW = 10_000;

    /** A data.csv row of one transport: its median latency and server CPU; 10,000 deliveries. */
    private static ResultRow result(Transport t, String impl, long p50Us, long cpuMs) {
        return TestRuns.load(TransportsSuite.suite(t), impl, N, p50Us * 2, 1000, 1000, 5_000, 10_000, cpuMs, 0);
    }

    /**
     * A transports.csv row: 10,000 deliveries in a 10 s window, {@code receiveRequests} and
     * {@code sendRequests} with their bytes, the server's threads and what it held.
     */
    private static TransportRow row(Transport t, String impl, long receiveRequests, long receiveBytes, long sendRequests, long sendBytes,
                                    long connectionThreads, long held) {
        Traffic traffic = new Traffic(receiveBytes / 4 + sendBytes / 2, receiveBytes * 3 / 4 + sendBytes / 2, 0, 0, 0, receiveRequests,
                receiveBytes / 4, receiveBytes * 3 / 4, sendRequests, sendBytes / 2, sendBytes / 2, receiveRequests * 3 / 4);
        Traffic setup = new Traffic(0, 0, 3 * N, 500 * N, 500 * N, 0, 0, 0, 0, 0, 0, 0);
        return new TransportRow(t.id(), impl, N, t.socketsPerClient(), t == Transport.SHORT_POLL ? 250 : -1, WINDOW, 10_000, 0, 0, 0, traffic, N,
                setup, connectionThreads, t == Transport.LONG_POLL ? held : 0, t == Transport.SSE ? held : 0, t.socketsPerClient() * N, 0);
    }

    /** The lecture's picture: short polls many and costly, long polls one per delivery, streams and sockets none. */
    private static List<TransportRow> lecture() {
        List<TransportRow> rows = new ArrayList<>();
        for (String impl : MODELS) {
            boolean threaded = !impl.equals("evented");
            rows.add(row(Transport.SHORT_POLL, impl, 40_000, 10_000_000, 1_000, 300_000, threaded ? N : 0, 0));
            rows.add(row(Transport.LONG_POLL, impl, 10_000, 4_000_000, 1_000, 300_000, threaded ? 2 * N : 0, N));
            rows.add(row(Transport.SSE, impl, 0, 2_100_000, 1_000, 300_000, threaded ? 2 * N : 0, N));
            rows.add(row(Transport.WEBSOCKET, impl, 0, 1_900_000, 0, 150_000, threaded ? N : 0, 0));
        }
        return rows;
    }

    private static RunData run(long shortPollP50Us, long pushP50Us) {
        List<ResultRow> rows = new ArrayList<>();
        for (String impl : MODELS) {
            rows.add(result(Transport.SHORT_POLL, impl, shortPollP50Us, 4_000));
            rows.add(result(Transport.LONG_POLL, impl, pushP50Us, 2_000));
            rows.add(result(Transport.SSE, impl, pushP50Us, 1_500));
            rows.add(result(Transport.WEBSOCKET, impl, pushP50Us, 1_000));
        }
        return TestRuns.run(rows);
    }

    private static final List<Transport> ALL = TransportsSuite.TRANSPORTS;

    @Test
    void theShortPollsWaitIsHalfAnIntervalOnlyWhenItsMedianIsNearIt() {
        String said = TransportsSection.shortPollWait(run(128_000, 2_000), lecture(), MODELS, N);
        assertNotNull(said);
        assertTrue(said.contains("every 250 ms") && said.contains("about half the interval") && said.contains("at most 2.0 ms"), said);

        assertNull(TransportsSection.shortPollWait(run(12_000, 2_000), lecture(), MODELS, N), "a 12 ms median is no half of 250 ms");
        assertNull(TransportsSection.shortPollWait(run(240_000, 2_000), lecture(), MODELS, N), "nor is 240 ms");
    }

    @Test
    void theTransportThatAskedMostIsNamedOnlyWhenEveryModelShowsIt() {
        String said = TransportsSection.requestsPerDelivery(lecture(), ALL, MODELS, N);
        assertTrue(said.contains("`short-poll` asked most in every model") && said.contains("75% of its polls came back empty")
                && said.contains("A WebSocket made none once open"), said);

        // Long polls asking 5 a delivery in one model: short polling no longer clearly asks most.
        List<TransportRow> contradicted = new ArrayList<>(lecture());
        contradicted.replaceAll(r -> r.transport().equals("long-poll") && r.impl().equals("evented")
                ? row(Transport.LONG_POLL, "evented", 50_000, 4_000_000, 1_000, 300_000, 0, N) : r);
        String plain = TransportsSection.requestsPerDelivery(contradicted, ALL, MODELS, N);
        assertFalse(plain.contains("asked most"), plain);

        List<TransportRow> wsAsked = new ArrayList<>(lecture());
        wsAsked.replaceAll(r -> r.transport().equals("websocket") && r.impl().equals("evented")
                ? row(Transport.WEBSOCKET, "evented", 5, 1_900_000, 0, 150_000, 0, 0) : r);
        assertFalse(TransportsSection.requestsPerDelivery(wsAsked, ALL, MODELS, N).contains("made none"));
    }

    @Test
    void theMostAndFewestBytesAreNamedOnlyWhenClearlyApart() {
        String said = TransportsSection.bytesPerDelivery(lecture(), ALL, MODELS, N);
        assertTrue(said.contains("`short-poll` put the most on the wire in every model") && !said.contains("the fewest"), said);

        List<TransportRow> wsLean = new ArrayList<>(lecture());
        wsLean.replaceAll(r -> r.transport().equals("websocket") ? row(Transport.WEBSOCKET, r.impl(), 0, 500_000, 0, 100_000, 0, 0) : r);
        assertTrue(TransportsSection.bytesPerDelivery(wsLean, ALL, MODELS, N).contains("`websocket` the fewest"));

        List<TransportRow> even = new ArrayList<>();
        for (String impl : MODELS) for (Transport t : ALL) even.add(row(t, impl, 0, 2_000_000, 0, 0, 0, 0));
        String contradicted = TransportsSection.bytesPerDelivery(even, ALL, MODELS, N);
        assertFalse(contradicted.contains("the most") || contradicted.contains("the fewest"), contradicted);
    }

    @Test
    void heldThreadsAreSaidOnlyWhenTheThreadedModelsRanThemAndTheLoopNone() {
        RunData run = run(128_000, 2_000);
        String said = TransportsSection.threadsHeld(run, lecture(), MODELS, N);
        assertTrue(said != null && said.contains("every held long poll kept a thread") && said.contains("every open event stream")
                && said.contains("`evented` held 1,000 as registrations on its one loop"), said);

        List<TransportRow> loopThreads = new ArrayList<>(lecture());
        loopThreads.replaceAll(r -> r.impl().equals("evented") && !r.transport().equals("websocket")
                ? row(Transport.of(r.transport()), "evented", 10_000, 4_000_000, 1_000, 300_000, 5, N) : r);
        assertNull(TransportsSection.threadsHeld(run, loopThreads, MODELS, N), "the event loop ran connection threads");

        List<TransportRow> fewThreads = new ArrayList<>(lecture());
        fewThreads.replaceAll(r -> r.impl().equals("threaded-platform") && !r.transport().equals("websocket")
                ? row(Transport.of(r.transport()), "threaded-platform", 10_000, 4_000_000, 1_000, 300_000, 10, N) : r);
        assertNull(TransportsSection.threadsHeld(run, fewThreads, MODELS, N), "10 threads cannot hold 1,000 polls each on its own");
    }

    @Test
    void sendingBesideAStreamCostsMoreOnlyWhenItDid() {
        String said = TransportsSection.oneWay(lecture(), MODELS, N, 10);
        assertTrue(said != null && said.contains("300 B both ways") && said.contains("a frame of 150 B"), said);

        List<TransportRow> cheapPosts = new ArrayList<>(lecture());
        cheapPosts.replaceAll(r -> r.transport().equals("sse") ? row(Transport.SSE, r.impl(), 0, 2_100_000, 1_000, 160_000, 0, N) : r);
        assertNull(TransportsSection.oneWay(cheapPosts, MODELS, N, 10), "160 B against 150 B is no difference to name");
    }

    @Test
    void pollingIsCalledUntiedOnlyWhenPollsAskedAndStreamsDidNot() {
        String said = TransportsSection.notTiedToOneServer(lecture(), MODELS, N);
        assertTrue(said != null && said.contains("asked anew 4.00 times a second") && said.contains("long-polling one 1.00 times"), said);

        List<TransportRow> resumed = new ArrayList<>(lecture());
        resumed.replaceAll(r -> r.transport().equals("sse") && r.impl().equals("evented")
                ? row(Transport.SSE, "evented", 30, 2_100_000, 1_000, 300_000, 0, N) : r);
        assertNull(TransportsSection.notTiedToOneServer(resumed, MODELS, N), "a stream reopened in the window asked anew too");
    }

    @Test
    void theDearestTransportForTheServerIsNamedOnlyWhenClearlyAbove() {
        String said = TransportsSection.serverCpu(run(128_000, 2_000), ALL, MODELS, N);
        assertTrue(said.contains("`short-poll` cost the server the most in every model"), said);

        List<ResultRow> close = new ArrayList<>();
        for (String impl : MODELS) {
            close.add(result(Transport.SHORT_POLL, impl, 128_000, 2_100));
            close.add(result(Transport.LONG_POLL, impl, 2_000, 2_000));
            close.add(result(Transport.SSE, impl, 2_000, 1_500));
            close.add(result(Transport.WEBSOCKET, impl, 2_000, 1_000));
        }
        assertFalse(TransportsSection.serverCpu(TestRuns.run(close), ALL, MODELS, N).contains("the most"));
    }

    @Test
    void theAnchorsOrderIsSaidOnlyWhenThisRunSharesIt() {
        String said = TransportsSection.anchorReading(lecture(), ALL, MODELS, N);
        assertTrue(said.contains("Both rank the transports the same way, from `short-poll` down to `websocket`"), said);
        assertTrue(said.contains("its figures, not measured here"), said);

        // SSE's receiving as dear as a short poll's: the order differs from the article's.
        List<TransportRow> reordered = new ArrayList<>(lecture());
        reordered.replaceAll(r -> r.transport().equals("sse") ? row(Transport.SSE, r.impl(), 0, 20_000_000, 1_000, 300_000, 0, N) : r);
        String contradicted = TransportsSection.anchorReading(reordered, ALL, MODELS, N);
        assertFalse(contradicted.contains("Both rank"), contradicted);
        assertTrue(contradicted.contains("The order differs: here `sse` > `short-poll`"), contradicted);
    }

    @Test
    void whereTheFiguresComeFromIsComputedFromTheRun() {
        ObjectNode settings = new ObjectMapper().createObjectNode().put("payloadBytes", 64);
        String said = TransportsSection.anchorWhy(lecture(), MODELS, N, settings);
        // Long polls: 4,000,000 receive bytes, a quarter of them up, over 10,000 requests: 100 B a request.
        assertTrue(said.contains("a poll's request is 100 B here") && said.contains("one update took 4.00 short polls at 250 ms, as in the article"), said);
        assertNull(TransportsSection.anchorWhy(List.of(), MODELS, N, settings));
    }

    @Test
    void theFiveUpdatesFigureIsSetupPlusFiveTimesReceiving() {
        TransportRow r = row(Transport.SSE, "evented", 0, 2_000_000, 1_000, 300_000, 0, N);
        // Setup 1,000 B a client; receiving 2,000,000 B over 10,000 deliveries.
        assertTrue(Math.abs(r.fiveUpdatesBytes() - (1_000 + 5 * 200)) < 1e-9, () -> "" + r.fiveUpdatesBytes());
    }
}
