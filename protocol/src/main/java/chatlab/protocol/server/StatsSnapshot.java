package chatlab.protocol.server;

/**
 * The body of {@code /stats}: PROTOCOL.md's fields first, then what chatlab counts besides
 * (every kind of bad input answered), so a test or a benchmark can check that nothing went unnoticed,
 * then what the HTTP transports hold right now (connections, sessions, held polls, event streams)
 * and the threads the model runs for single connections, virtual ones included ({@code threads}
 * counts only the kernel's), with the connections that met the process's thread limit, then the
 * process's own accounting of CPU time, context switches and GC pauses, which a benchmark takes
 * differences of, and last an event-loop model's loops. A figure this process cannot measure is -1.
 *
 * @param cpuMillis      user plus system CPU time of the process since it started, ended threads included
 * @param ctxVoluntary   voluntary context switches since the process started, ended threads included
 * @param ctxInvoluntary involuntary context switches since the process started, ended threads included
 * @param gcPauseMillis  stop-the-world GC pause time since the process started
 * @param heapLiveBytes  the heap in use right after a full GC; only in the answer to
 *                       {@code /stats?gc=1} (which runs that GC first), -1 and left out otherwise
 * @param broker         the broker this server shares its rooms through, or null (then left out)
 * @param brokerUp       whether that broker answers; left out without one
 * @param loopConnections an event-loop model's open connections per loop (its length is the number of
 *                       loops, {@code loops} in the JSON); null for a model without loops (then left out)
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
        long connectionThreads,
        long threadStartFailures,
        long cpuMillis,
        long ctxVoluntary,
        long ctxInvoluntary,
        long gcPauseMillis,
        long heapLiveBytes,
        String broker,
        boolean brokerUp,
        int[] loopConnections) {

    /**
     * Whether a {@code /stats} query asks for a full GC first ({@code gc=1} among its parameters).
     *
     * @param query the request target's query, without '?' ({@code ""} when there is none)
     */
    public static boolean asksForFullGc(String query) {
        if (query == null || query.isEmpty()) return false;
        for (String parameter : query.split("&")) {
            if (parameter.equals("gc=1")) return true;
        }
        return false;
    }

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
                + ",\"threadStartFailures\":" + threadStartFailures
                + ",\"cpuMillis\":" + cpuMillis
                + ",\"ctxVoluntary\":" + ctxVoluntary
                + ",\"ctxInvoluntary\":" + ctxInvoluntary
                + ",\"gcPauseMillis\":" + gcPauseMillis
                + (heapLiveBytes >= 0 ? ",\"heapLiveBytes\":" + heapLiveBytes : "")
                + (broker == null ? "" : ",\"broker\":\"" + jsonEscape(broker) + "\",\"brokerUp\":" + brokerUp)
                + (loopConnections == null ? "" : ",\"loops\":" + loopConnections.length + ",\"loopConnections\":"
                        + java.util.Arrays.toString(loopConnections).replace(" ", ""))
                + "}";
    }

    private static String jsonEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
