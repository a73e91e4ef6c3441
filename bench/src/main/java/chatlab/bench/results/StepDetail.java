package chatlab.bench.results;

import java.util.List;
import java.util.Map;

/**
 * The figures of a step beside its {@code data.csv} row, in {@code steps.csv} (same suite, impl,
 * connections, clients key): the kernel's TCP figures from {@code /proc/net/sockstat}, the
 * connections the server's {@code /stats} counted, the measured window, the generators' CPU time
 * over the load (near the wall time: they set the pace), the wall time over which the server's and
 * the generators' CPU were taken ({@code sampled_ms}: warm-up, window and drain of a load), the
 * connections the server closed as slow consumers (1008), and a note: why a series stopped, the
 * first error seen.
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
        long durationMs,
        long generatorCpuMs,
        long sampledMs,
        long slowConsumerCloses,
        String note) {

    public static final List<String> COLUMNS = List.of("suite", "impl", "connections", "clients", "tcp_mem_bytes",
            "tcp_inuse", "tcp_tw", "server_connections", "duration_ms", "generator_cpu_ms", "sampled_ms",
            "slow_consumer_closes", "note");

    public List<String> cells() {
        return List.of(suite, impl, Csv.cell(connections), Csv.cell(clients), Csv.cell(tcpMemBytes), Csv.cell(tcpInUse),
                Csv.cell(tcpTimeWait), Csv.cell(serverConnections), Csv.cell(durationMs), Csv.cell(generatorCpuMs),
                Csv.cell(sampledMs), Csv.cell(slowConsumerCloses), note == null ? "" : note);
    }

    public static StepDetail of(Map<String, String> r) {
        return new StepDetail(r.get("suite"), r.get("impl"), Csv.longOf(r.get("connections")), Csv.longOf(r.get("clients")),
                Csv.longOf(r.get("tcp_mem_bytes")), Csv.longOf(r.get("tcp_inuse")), Csv.longOf(r.get("tcp_tw")),
                Csv.longOf(r.get("server_connections")), Csv.longOf(r.get("duration_ms")), Csv.longOf(r.get("generator_cpu_ms")),
                Csv.longOf(r.get("sampled_ms")), Csv.longOf(r.get("slow_consumer_closes")), r.get("note"));
    }
}
