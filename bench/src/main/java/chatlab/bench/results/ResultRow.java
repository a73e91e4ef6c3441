package chatlab.bench.results;

import java.util.List;
import java.util.Map;

/**
 * One line of {@code data.csv}: one step of one suite against one implementation. Levels (RSS,
 * heap, threads) are taken at the end of the step; counters (CPU, context switches, GC pauses) are
 * what the server spent during the step. A figure that was not measured is -1 (NaN for a rate),
 * an empty cell in the file.
 *
 * <p>For {@code flood}, {@code sent} is the connections attempted in the step, {@code delivered}
 * the ones that were ready (101 then {@code joined}), {@code delivered_per_s} connections opened per
 * second (no {@code offered_per_s}), and the latency columns are connect-to-joined times. For the
 * load suites, {@code sent} is messages sent, {@code delivered} deliveries received once each (a
 * message to a room of 50 is 50 deliveries), {@code offered_per_s} the deliveries per second the
 * open-loop schedule asked for in the measured window, {@code delivered_per_s} the deliveries that
 * <em>arrived</em> in that window per second, and the latencies run from the intended send time.
 *
 * @param heapLiveBytes  heap in use right after a full GC ({@code /stats?gc=1}), taken after the other figures
 * @param usageSource    how {@code cpu_ms} and the switches were measured: {@code getrusage} (the server's own
 *                       {@code /stats}: the whole process, ended threads included) or {@code proc-live-threads}
 *                       ({@code /proc}: CPU of the whole process, switches of the threads alive at the two samples)
 * @param gcPauseMs      stop-the-world GC pause time during the step (the JVM's own accounting; -1 for node-ws)
 */
public record ResultRow(
        String suite,
        String impl,
        long connections,
        long clients,
        long rssBytes,
        long heapUsedBytes,
        long heapLiveBytes,
        long threads,
        long cpuMs,
        long ctxVoluntary,
        long ctxInvoluntary,
        String usageSource,
        long gcPauseMs,
        long connectP99Us,
        long p50Us,
        long p99Us,
        long p999Us,
        long maxUs,
        long sent,
        long delivered,
        double offeredPerS,
        double deliveredPerS,
        long errors) {

    public static final List<String> COLUMNS = List.of(
            "suite", "impl", "connections", "clients", "rss_bytes", "heap_used_bytes", "heap_live_bytes", "threads",
            "cpu_ms", "ctx_voluntary", "ctx_involuntary", "usage_source", "gc_pause_ms", "connect_p99_us",
            "p50_us", "p99_us", "p999_us", "max_us", "sent", "delivered", "offered_per_s", "delivered_per_s", "errors");

    public static final String GETRUSAGE = "getrusage";
    public static final String PROC_LIVE_THREADS = "proc-live-threads";

    /** Context switches of both kinds, or -1 when either is unknown. */
    public long ctxTotal() {
        return ctxVoluntary < 0 || ctxInvoluntary < 0 ? -1 : ctxVoluntary + ctxInvoluntary;
    }

    /** Whether messages were sent in this step (a step stopped before sending has no latency). */
    public boolean measured() { return sent > 0; }

    public List<String> cells() {
        return List.of(suite, impl, Csv.cell(connections), Csv.cell(clients), Csv.cell(rssBytes), Csv.cell(heapUsedBytes),
                Csv.cell(heapLiveBytes), Csv.cell(threads), Csv.cell(cpuMs), Csv.cell(ctxVoluntary), Csv.cell(ctxInvoluntary),
                usageSource == null ? "" : usageSource, Csv.cell(gcPauseMs), Csv.cell(connectP99Us), Csv.cell(p50Us),
                Csv.cell(p99Us), Csv.cell(p999Us), Csv.cell(maxUs), Csv.cell(sent), Csv.cell(delivered), Csv.cell(offeredPerS),
                Csv.cell(deliveredPerS), Csv.cell(errors));
    }

    public static ResultRow of(Map<String, String> r) {
        return new ResultRow(r.get("suite"), r.get("impl"), Csv.longOf(r.get("connections")), Csv.longOf(r.get("clients")),
                Csv.longOf(r.get("rss_bytes")), Csv.longOf(r.get("heap_used_bytes")), Csv.longOf(r.get("heap_live_bytes")),
                Csv.longOf(r.get("threads")), Csv.longOf(r.get("cpu_ms")), Csv.longOf(r.get("ctx_voluntary")),
                Csv.longOf(r.get("ctx_involuntary")), r.get("usage_source"), Csv.longOf(r.get("gc_pause_ms")),
                Csv.longOf(r.get("connect_p99_us")), Csv.longOf(r.get("p50_us")), Csv.longOf(r.get("p99_us")),
                Csv.longOf(r.get("p999_us")), Csv.longOf(r.get("max_us")), Csv.longOf(r.get("sent")), Csv.longOf(r.get("delivered")),
                Csv.doubleOf(r.get("offered_per_s")), Csv.doubleOf(r.get("delivered_per_s")), Csv.longOf(r.get("errors")));
    }
}
