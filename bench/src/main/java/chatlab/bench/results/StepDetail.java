package chatlab.bench.results;

import java.util.List;
import java.util.Locale;

/**
 * The figures of a step that {@code data.csv}'s fixed columns have no room for, in {@code steps.csv}
 * beside it (same suite, impl, connections, clients key): the kernel's TCP memory from
 * {@code /proc/net/sockstat}, what the server's {@code /stats} counted, the offered rate, the
 * measured window, the generators' CPU time in the step (near the window's length means the
 * generator, not the server, set the pace), a note (why a series stopped, the first error seen),
 * and the wall time over which the server's and the generators' CPU times were taken (warm-up,
 * window and drain of a load; -1 in runs made before it was recorded).
 */
public record StepDetail(
        String suite,
        String impl,
        long connections,
        long clients,
        long tcpMemBytes,
        long tcpInUse,
        long tcpTimeWait,
        long serverConnections,
        double offeredPerS,
        long durationMs,
        long generatorCpuMs,
        String note,
        long sampledMs) {

    public static final List<String> COLUMNS = List.of("suite", "impl", "connections", "clients", "tcp_mem_bytes",
            "tcp_inuse", "tcp_tw", "server_connections", "offered_per_s", "duration_ms", "generator_cpu_ms", "note", "sampled_ms");
    /** The header of runs made before {@code sampled_ms} was recorded; still read. */
    public static final List<String> COLUMNS_BEFORE_SAMPLED_MS = COLUMNS.subList(0, COLUMNS.size() - 1);

    public String toCsv() {
        String cleanNote = note == null ? "" : note.replace('"', '\'').replace('\n', ' ');
        return String.join(",", suite, impl, Long.toString(connections), Long.toString(clients),
                Long.toString(tcpMemBytes), Long.toString(tcpInUse), Long.toString(tcpTimeWait),
                Long.toString(serverConnections), String.format(Locale.ROOT, "%.1f", offeredPerS),
                Long.toString(durationMs), Long.toString(generatorCpuMs), "\"" + cleanNote + "\"", Long.toString(sampledMs));
    }

    /** Reads a line of this format, or of the older one without {@code sampled_ms} (read as -1). */
    public static StepDetail fromCsv(String line) {
        String[] f = line.split(",", 12);
        if (f.length != 12) throw new IllegalArgumentException("expected " + COLUMNS.size() + " fields: " + line);
        String rest = f[11].trim();
        long sampled = -1;
        int close = rest.lastIndexOf('"');
        if (rest.startsWith("\"") && close > 0 && close < rest.length() - 1) {
            sampled = Long.parseLong(rest.substring(close + 1).replace(",", "").trim());
            rest = rest.substring(0, close + 1);
        }
        String note = rest;
        if (note.length() >= 2 && note.startsWith("\"") && note.endsWith("\"")) note = note.substring(1, note.length() - 1);
        return new StepDetail(f[0], f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]), Double.parseDouble(f[8]),
                Long.parseLong(f[9]), Long.parseLong(f[10]), note, sampled);
    }
}
