package chatlab.bench.results;

import java.util.List;
import java.util.Locale;

/**
 * One line of {@code data.csv}: one step of one suite against one implementation. Levels (RSS,
 * heap, threads) are taken at the end of the step; counters (CPU, context switches) are what the
 * server spent during the step.
 *
 * <p>For {@code flood}, {@code sent} is the connections attempted in the step, {@code delivered}
 * the ones that were ready (101 then {@code joined}), {@code delivered_per_s} connections per second
 * and the latency columns are connect-to-joined times. For {@code broadcast} and {@code echo},
 * {@code sent} is messages sent, {@code delivered} deliveries received (each message once per
 * recipient), the latencies are send-to-delivery from the intended send time.
 */
public record ResultRow(
        String suite,
        String impl,
        long connections,
        long clients,
        long rssBytes,
        long heapUsedBytes,
        long threads,
        long cpuMs,
        long ctxVoluntary,
        long ctxInvoluntary,
        long connectP99Us,
        long p50Us,
        long p99Us,
        long p999Us,
        long maxUs,
        long sent,
        long delivered,
        double deliveredPerS,
        long errors) {

    /** The fixed header of {@code data.csv}. */
    public static final List<String> COLUMNS = List.of(
            "suite", "impl", "connections", "clients", "rss_bytes", "heap_used_bytes", "threads", "cpu_ms",
            "ctx_voluntary", "ctx_involuntary", "connect_p99_us", "p50_us", "p99_us", "p999_us", "max_us",
            "sent", "delivered", "delivered_per_s", "errors");

    public String toCsv() {
        return String.join(",", suite, impl, Long.toString(connections), Long.toString(clients),
                Long.toString(rssBytes), Long.toString(heapUsedBytes), Long.toString(threads), Long.toString(cpuMs),
                Long.toString(ctxVoluntary), Long.toString(ctxInvoluntary), Long.toString(connectP99Us),
                Long.toString(p50Us), Long.toString(p99Us), Long.toString(p999Us), Long.toString(maxUs),
                Long.toString(sent), Long.toString(delivered), String.format(Locale.ROOT, "%.1f", deliveredPerS),
                Long.toString(errors));
    }

    public static ResultRow fromCsv(String line) {
        String[] f = line.split(",", -1);
        if (f.length != COLUMNS.size()) throw new IllegalArgumentException("expected " + COLUMNS.size() + " fields: " + line);
        return new ResultRow(f[0], f[1], l(f[2]), l(f[3]), l(f[4]), l(f[5]), l(f[6]), l(f[7]), l(f[8]), l(f[9]),
                l(f[10]), l(f[11]), l(f[12]), l(f[13]), l(f[14]), l(f[15]), l(f[16]), Double.parseDouble(f[17]), l(f[18]));
    }

    private static long l(String s) { return Long.parseLong(s.trim()); }
}
