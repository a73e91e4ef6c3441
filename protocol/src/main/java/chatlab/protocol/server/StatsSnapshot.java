package chatlab.protocol.server;

/**
 * The body of {@code /stats}: PROTOCOL.md's fields first, then what chatlab counts besides
 * (every kind of bad input answered), so a test or a benchmark can check that nothing went unnoticed,
 * then what the HTTP transports hold right now (connections, sessions, held polls, event streams)
 * and the threads the model runs for single connections, virtual ones included ({@code threads}
 * counts only the kernel's).
 */
public record StatsSnapshot(
        String model,
        long connections,
        int threads,
        long heapUsedBytes,
        long rssBytes,
        long messagesIn,
        long messagesOut,
        long bytesIn,
        long bytesOut,
        long uptimeMillis,
        long connectionsTotal,
        long httpRequests,
        long httpRejects,
        long headTimeouts,
        long protocolCloses,
        long slowConsumerCloses,
        long idleCloses,
        long appErrors,
        long ioErrors,
        long httpConnections,
        long httpSessions,
        long httpSessionsExpired,
        long pollsHeld,
        long sseStreams,
        long connectionThreads) {

    /** The JSON object served on {@code /stats}; field names as in PROTOCOL.md. */
    public String toJson() {
        return "{\"model\":\"" + model + "\""
                + ",\"connections\":" + connections
                + ",\"threads\":" + threads
                + ",\"heapUsedBytes\":" + heapUsedBytes
                + ",\"rssBytes\":" + rssBytes
                + ",\"messagesIn\":" + messagesIn
                + ",\"messagesOut\":" + messagesOut
                + ",\"bytesIn\":" + bytesIn
                + ",\"bytesOut\":" + bytesOut
                + ",\"uptimeMillis\":" + uptimeMillis
                + ",\"connectionsTotal\":" + connectionsTotal
                + ",\"httpRequests\":" + httpRequests
                + ",\"httpRejects\":" + httpRejects
                + ",\"headTimeouts\":" + headTimeouts
                + ",\"protocolCloses\":" + protocolCloses
                + ",\"slowConsumerCloses\":" + slowConsumerCloses
                + ",\"idleCloses\":" + idleCloses
                + ",\"appErrors\":" + appErrors
                + ",\"ioErrors\":" + ioErrors
                + ",\"httpConnections\":" + httpConnections
                + ",\"httpSessions\":" + httpSessions
                + ",\"httpSessionsExpired\":" + httpSessionsExpired
                + ",\"pollsHeld\":" + pollsHeld
                + ",\"sseStreams\":" + sseStreams
                + ",\"connectionThreads\":" + connectionThreads
                + "}";
    }
}
