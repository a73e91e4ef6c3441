package chatlab.bench.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Recorded runs made up for the report's tests: rows with the figures a claim depends on, so that a
 * test can feed a section data that supports a sentence and data that contradicts it.
 */
public final class TestRuns {

    private TestRuns() {}

    /** A flood step: {@code rss} and {@code heapLive} in bytes. */
    public static ResultRow flood(String impl, long connections, long rss, long heapLive, long threads) {
        return new ResultRow("flood", impl, connections, connections, rss, rss / 2, heapLive, threads, 10, 5, 5,
                ResultRow.GETRUSAGE, 0, 1000, 500, 1000, 1000, 1000, connections, connections, Double.NaN, 1000, 0);
    }

    /** A measured load step of {@code suite}. */
    public static ResultRow load(String suite, String impl, long clients, long p99Us, double offered, double delivered,
                                 long switches, long deliveries, long cpuMs, long errors) {
        return new ResultRow(suite, impl, clients, clients, 100 << 20, 50 << 20, 40 << 20, 20, cpuMs, switches / 2, switches - switches / 2,
                ResultRow.GETRUSAGE, 5, 1000, p99Us / 2, p99Us, p99Us, p99Us, deliveries / 10, deliveries, offered, delivered, errors);
    }

    public static StepDetail detail(ResultRow row, long sampledMs, long generatorCpuMs, String note) {
        return new StepDetail(row.suite(), row.impl(), row.connections(), row.clients(), 0, 0, 0, row.connections(), 1000,
                generatorCpuMs, sampledMs, 0, note);
    }

    /** An environment: a clean commit on a quiet two-core machine unless told otherwise. */
    public static ObjectNode environment(boolean dirty, String loadAverage) {
        ObjectNode env = Environment.MAPPER.createObjectNode();
        env.put("created", "2026-01-01T00:00:00Z");
        env.put("command", "./chatlab bench");
        env.put("cores", 2);
        env.put("loadAverageAtStart", loadAverage);
        env.put("gitCommit", "0123456789abcdef0123456789abcdef01234567");
        env.put("gitDirty", dirty);
        ObjectNode settings = env.putObject("settings");
        settings.put("profile", "full");
        ObjectNode suites = settings.putObject("suites");
        suites.putObject("broadcast").put("p99ThresholdMillis", 250).put("senderEvery", 10).put("ratePerSender", 1.0).put("roomSize", 100);
        suites.putObject("flood").put("roomSize", 20);
        return env;
    }

    public static RunData run(List<ResultRow> rows) {
        return run(rows, List.of(), List.of());
    }

    public static RunData run(List<ResultRow> rows, List<StepDetail> details, List<MemoryPart> memory) {
        return new RunData("test-run", Path.of("runs", "test-run"), environment(false, "0.10 0.20 0.30 1/100 1"), rows,
                details, memory, List.of(), null);
    }

    public static RunData withEnvironment(RunData run, JsonNode env) {
        return new RunData(run.name(), run.dir(), env, run.rows(), run.details(), run.memory(), run.failures(), run.jmh());
    }

    /** Memory parts for a flood step: the live heap, NMT's total, heap and thread categories, and one kernel part. */
    public static List<MemoryPart> parts(String impl, long connections, long heapLive, long nmtTotal, long nmtHeap, long nmtThread,
                                         long kernel) {
        List<MemoryPart> parts = new ArrayList<>();
        parts.add(new MemoryPart("flood", impl, connections, MemoryPart.HEAP_LIVE, heapLive));
        if (nmtTotal >= 0) {
            parts.add(new MemoryPart("flood", impl, connections, "nmt.Total", nmtTotal));
            parts.add(new MemoryPart("flood", impl, connections, "nmt.Java Heap", nmtHeap));
            parts.add(new MemoryPart("flood", impl, connections, "nmt.Thread", nmtThread));
        }
        parts.add(new MemoryPart("flood", impl, connections, "kernel.tcp_buffers", kernel));
        return parts;
    }
}
