package chatlab.bench.server;

import chatlab.bench.procfs.ProcReader;
import chatlab.bench.procfs.ProcSample;
import chatlab.bench.results.ResultRow;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * A server's figures at one moment: resident memory and threads as the kernel sees its process
 * ({@code /proc}), and from its own {@code /stats} the heap, CPU time, context switches, GC pauses
 * and slow-consumer closes. CPU and switches come from {@code /stats} when the server can count
 * them for its whole process ({@code getrusage}: the JVM servers on JDK 22+, node-ws); otherwise
 * from {@code /proc}, where the switches of threads that have ended are lost, and
 * {@link #usageSource()} says so. A figure that cannot be had is -1.
 */
public record ServerSample(long rssBytes, int threads, long heapUsedBytes, long cpuMillis, long ctxVoluntary,
                           long ctxInvoluntary, String usageSource, long gcPauseMillis, long slowConsumerCloses,
                           long connections) {

    /** Samples {@code server} now. */
    public static ServerSample of(ServerHandle server) throws IOException {
        JsonNode stats = server.stats();
        return of(stats, ProcReader.available() ? ProcReader.sample(server.pid()) : null);
    }

    /** From a {@code /stats} answer and, where there is {@code /proc}, a sample of the process. */
    public static ServerSample of(JsonNode stats, ProcSample proc) {
        long cpu = stats.path("cpuMillis").asLong(-1);
        long voluntary = stats.path("ctxVoluntary").asLong(-1);
        long involuntary = stats.path("ctxInvoluntary").asLong(-1);
        String source = ResultRow.GETRUSAGE;
        if ((cpu < 0 || voluntary < 0 || involuntary < 0) && proc != null) {
            cpu = proc.cpuMillis();
            voluntary = proc.ctxVoluntary();
            involuntary = proc.ctxInvoluntary();
            source = ResultRow.PROC_LIVE_THREADS;
        } else if (cpu < 0) {
            source = "";
        }
        return new ServerSample(proc != null ? proc.rssBytes() : stats.path("rssBytes").asLong(-1),
                proc != null ? proc.threads() : stats.path("threads").asInt(-1), stats.path("heapUsedBytes").asLong(-1),
                cpu, voluntary, involuntary, source, stats.path("gcPauseMillis").asLong(-1),
                stats.path("slowConsumerCloses").asLong(-1), stats.path("connections").asLong(-1));
    }

    /** No figures at all (a server that was gone before it could be sampled). */
    public static ServerSample none() {
        return new ServerSample(-1, -1, -1, -1, -1, -1, "", -1, -1, -1);
    }

    /**
     * The counters' growth from {@code before} to this sample (CPU, switches, GC pauses,
     * slow-consumer closes; -1 where either side lacks one, or the two were measured differently);
     * the levels (RSS, threads, heap, connections) stay this sample's.
     */
    public ServerSample since(ServerSample before) {
        boolean sameSource = usageSource.equals(before.usageSource);
        return new ServerSample(rssBytes, threads, heapUsedBytes,
                sameSource ? difference(cpuMillis, before.cpuMillis) : -1,
                sameSource ? difference(ctxVoluntary, before.ctxVoluntary) : -1,
                sameSource ? difference(ctxInvoluntary, before.ctxInvoluntary) : -1,
                usageSource, difference(gcPauseMillis, before.gcPauseMillis),
                difference(slowConsumerCloses, before.slowConsumerCloses), connections);
    }

    /**
     * {@code after - before}, or -1 when either is unknown. Live-thread switch sums can go down
     * when threads end between the samples: the difference is then clamped at 0, which is still an
     * undercount, as {@link ResultRow#PROC_LIVE_THREADS} tells the reader.
     */
    private static long difference(long after, long before) {
        return after < 0 || before < 0 ? -1 : Math.max(0, after - before);
    }
}
