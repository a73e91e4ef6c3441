package chatlab.protocol.server;

import chatlab.protocol.chat.Rooms;
import java.util.function.Supplier;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one server counts, for {@code /stats}: traffic, and every kind of bad input it answered.
 * Thread-safe ({@link LongAdder}s): the threaded models bump them from every connection's thread.
 */
public final class ServerCounters {

    private final long startNanos = System.nanoTime();
    /** An event-loop model's open connections per loop, for {@code /stats}; null for the other models. */
    private volatile Supplier<int[]> connectionsPerLoop;

    final LongAdder connections = new LongAdder();
    final LongAdder connectionsTotal = new LongAdder();
    final LongAdder messagesIn = new LongAdder();
    final LongAdder messagesOut = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder httpRequests = new LongAdder();
    final LongAdder httpRejects = new LongAdder();
    final LongAdder headTimeouts = new LongAdder();
    final LongAdder protocolCloses = new LongAdder();
    final LongAdder slowConsumerCloses = new LongAdder();
    final LongAdder idleCloses = new LongAdder();
    final LongAdder appErrors = new LongAdder();
    private final Runnable appErrorCounter = this::appError;
    final LongAdder ioErrors = new LongAdder();
    final LongAdder httpConnections = new LongAdder();
    final LongAdder httpSessions = new LongAdder();
    final LongAdder httpSessionsExpired = new LongAdder();
    final LongAdder pollsHeld = new LongAdder();
    final LongAdder sseStreams = new LongAdder();
    final LongAdder connectionThreads = new LongAdder();
    final LongAdder threadStartFailures = new LongAdder();

    /** A WebSocket completed its handshake. */
    public void connectionOpened() { connections.increment(); connectionsTotal.increment(); }
    /** A WebSocket that was counted by {@link #connectionOpened()} is gone. */
    public void connectionClosed() { connections.decrement(); }
    /** A data message arrived (after reassembly), of this many payload bytes. */
    public void messageIn(int payloadBytes) { messagesIn.increment(); bytesIn.add(payloadBytes); }
    /** Chat messages arrived in one HTTP body of this many bytes. */
    public void messagesIn(int count, int bodyBytes) { messagesIn.add(count); bytesIn.add(bodyBytes); }
    /** A data message was queued for a client, of this many bytes on the wire. */
    public void messageOut(int wireBytes) { messagesOut.increment(); bytesOut.add(wireBytes); }
    public void httpRequest() { httpRequests.increment(); }
    /** A request answered with 4xx or 5xx (bad handshake or framing, 404, 405, 413, 431, 503, ...). */
    public void httpReject() { httpRejects.increment(); }
    public void headTimeout() { headTimeouts.increment(); }
    /** The server closed a WebSocket with 1002, 1007 or 1009. */
    public void protocolClose() { protocolCloses.increment(); }
    public void slowConsumerClose() { slowConsumerCloses.increment(); }
    public void idleClose() { idleCloses.increment(); }
    /** An application {@code error} message was sent (bad_json, bad_room, ...). */
    public void appError() { appErrors.increment(); }
    /** {@link #appError()} as one {@link Runnable} per server, so connections need not each make their own. */
    public Runnable appErrorCounter() { return appErrorCounter; }
    /** A connection failed on an I/O error (reset, broken pipe). */
    public void ioError() { ioErrors.increment(); }
    /** A connection was accepted; it speaks plain HTTP until it becomes a WebSocket or goes. */
    public void httpConnectionOpened() { httpConnections.increment(); }
    public void httpConnectionClosed() { httpConnections.decrement(); }
    public void httpSessionOpened() { httpSessions.increment(); }
    /** An HTTP session ended: expired (unused too long), or the server stopped. */
    public void httpSessionEnded(boolean expired) {
        httpSessions.decrement();
        if (expired) httpSessionsExpired.increment();
    }
    public void pollHeld() { pollsHeld.increment(); }
    public void pollReleased() { pollsHeld.decrement(); }
    public void sseStreamOpened() { sseStreams.increment(); }
    public void sseStreamClosed() { sseStreams.decrement(); }
    /** A thread (platform or virtual) started for one connection: the threaded models' readers and writers. */
    public void connectionThreadStarted() { connectionThreads.increment(); }
    public void connectionThreadEnded() { connectionThreads.decrement(); }
    /** Threads running for single connections now. */
    public long connectionThreads() { return connectionThreads.sum(); }
    /**
     * A connection met the process's thread limit: a thread it needed did not start (or, while
     * another connection waits for one, was not tried), so it was refused or made to wait.
     */
    public void threadStartFailure() { threadStartFailures.increment(); }

    public long uptimeMillis() { return (System.nanoTime() - startNanos) / 1_000_000; }

    /** Counters plus the process figures, for the model named, alone (without a broker). */
    public StatsSnapshot snapshot(String model) {
        return snapshot(model, "", null);
    }

    /**
     * The answer to {@code GET /stats?QUERY}: with {@code gc=1} in the query, a full GC first and
     * the live heap after it (see {@link StatsSnapshot#asksForFullGc}).
     */
    public StatsSnapshot snapshot(String model, String query) {
        return snapshot(model, query, null);
    }

    /** The same, with the state of the broker the server's rooms go through, if {@code rooms} has one. */
    /** The model runs event loops: {@code /stats} reports how many, and the open connections of each, as {@code loops} gives them. */
    public void eventLoops(Supplier<int[]> loops) {
        this.connectionsPerLoop = loops;
    }

    public StatsSnapshot snapshot(String model, String query, Rooms rooms) {
        long heapLive = StatsSnapshot.asksForFullGc(query) ? ProcessFigures.heapLiveBytesAfterFullGc() : -1;
        String broker = rooms == null ? null : rooms.brokerUrl();
        ProcessFigures process = ProcessFigures.read();
        ProcessUsage usage = process.usage();
        return new StatsSnapshot(model, connections.sum(), process.threads(), process.heapUsedBytes(),
                process.rssBytes(), messagesIn.sum(), messagesOut.sum(), bytesIn.sum(), bytesOut.sum(),
                uptimeMillis(), connectionsTotal.sum(), httpRequests.sum(), httpRejects.sum(),
                headTimeouts.sum(), protocolCloses.sum(), slowConsumerCloses.sum(), idleCloses.sum(),
                appErrors.sum(), ioErrors.sum(), httpConnections.sum(), httpSessions.sum(),
                httpSessionsExpired.sum(), pollsHeld.sum(), sseStreams.sum(), connectionThreads.sum(),
                threadStartFailures.sum(),
                usage.cpuMillis(), usage.ctxVoluntary(), usage.ctxInvoluntary(),
                process.gcPauseMillis(), heapLive, broker, broker != null && rooms.brokerUp(),
                connectionsPerLoop == null ? null : connectionsPerLoop.get());
    }
}
