package chatlab.bench.echo;

import chatlab.bench.Format;
import chatlab.bench.SuiteContext;
import chatlab.bench.load.ConnectPlan;
import chatlab.bench.load.ConnectResult;
import chatlab.bench.load.GeneratorPool;
import chatlab.bench.load.LoadPlan;
import chatlab.bench.load.LoadResult;
import chatlab.bench.procfs.ProcReader;
import chatlab.bench.procfs.ProcSample;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.StepDetail;
import chatlab.bench.server.ServerHandle;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Echo on {@code /echo}: fixed connection counts, each connection sending at a fixed open-loop
 * rate, every message due back once. The question: request-response latency and throughput with
 * no fan-out, where the models differ only in how they wait for and wake up on a socket.
 */
public final class EchoSuite {

    public static final String NAME = "echo";

    /**
     * @param connections        connection counts, ascending
     * @param ratePerConnection  messages per second per connection
     * @param firstWarmupMillis  warm-up of the first step, which also warms a fresh server
     */
    public record Settings(List<Integer> connections, double ratePerConnection, long warmupMillis, long firstWarmupMillis,
                           long durationMillis,
                           int payloadBytes, long drainMillis) {}

    private final SuiteContext context;
    private final Settings settings;

    public EchoSuite(SuiteContext context, Settings settings) {
        this.context = context;
        this.settings = settings;
    }

    public void run(String model) throws IOException {
        int run = 0;
        try (ServerHandle server = context.launcher().start(model);
             GeneratorPool pool = context.pool(server, ConnectPlan.ECHO_PATH, 1)) {
            for (int connections : settings.connections()) {
                ConnectResult connected = pool.connectTo(connections);
                if (connected.failed() > 0 || server.deathNote() != null) {
                    String why = server.deathNote() != null ? server.deathNote()
                            : connected.failed() + " of " + connected.requested() + " connections failed, first: " + connected.firstFailure();
                    record(server, pool.open(), connections, new ProcSample(0, -1, -1, 0, 0, 0), connected,
                            LoadResult.empty(), connected.failed(), 0, "stopped before sending: " + why);
                    context.recorder().say("  " + model + " echo stopped at " + connections + " connections: " + why);
                    return;
                }
                context.settle();
                ProcSample before = SuiteContext.sample(server);
                LoadPlan plan = new LoadPlan(LoadPlan.Kind.ECHO, 1, settings.ratePerConnection(),
                        run == 0 ? Math.max(settings.warmupMillis(), settings.firstWarmupMillis()) : settings.warmupMillis(),
                        settings.durationMillis(), settings.payloadBytes(), settings.drainMillis(), ++run);
                long generatorCpu = pool.generatorCpuMillis();
                LoadResult result = pool.load(plan);
                generatorCpu = pool.generatorCpuMillis() - generatorCpu;
                String death = server.deathNote();
                ProcSample after = death == null ? SuiteContext.sample(server) : before;
                String note = death != null ? "stopped: " + death
                        : result.totalErrors() > 0 ? result.lost() + " lost, " + result.duplicates() + " duplicated, "
                        + result.errors() + " other errors, first: " + result.firstError() : "";
                record(server, pool.open(), connections, after.since(before), connected, result, result.totalErrors(), generatorCpu, note);
                if (death != null) return;
            }
        }
    }

    private void record(ServerHandle server, int open, int connections, ProcSample delta, ConnectResult connected,
                        LoadResult result, long errors, long generatorCpu, String note) throws IOException {
        JsonNode stats = SuiteContext.statsOrEmpty(server);
        Histogram latency = result.histogram();
        Histogram connect = connected.histogram();
        boolean any = latency.getTotalCount() > 0;
        ResultRow row = new ResultRow(NAME, server.model(), open, connections, delta.rssBytes(),
                stats.path("heapUsedBytes").asLong(-1), delta.threads(), delta.cpuMillis(), delta.ctxVoluntary(),
                delta.ctxInvoluntary(), connect.getTotalCount() > 0 ? connect.getValueAtPercentile(99) : 0,
                any ? latency.getValueAtPercentile(50) : 0, any ? latency.getValueAtPercentile(99) : 0,
                any ? latency.getValueAtPercentile(99.9) : 0, any ? latency.getMaxValue() : 0,
                result.sent(), result.delivered(), result.deliveredPerSecond(), errors);
        ProcReader.Sockstat sockstat = ProcReader.sockstat();
        StepDetail detail = new StepDetail(NAME, server.model(), open, connections, sockstat.tcpMemBytes(),
                sockstat.tcpInUse(), sockstat.tcpTimeWait(), stats.path("connections").asLong(-1),
                connections * settings.ratePerConnection(), result.measuredMillis(), generatorCpu, note);
        context.recorder().record(row, detail, String.format(Locale.ROOT,
                "[echo] %-17s %,7d conns  p50 %9s  p99 %9s  max %9s  %,10.0f msg/s  errors %d",
                server.model(), connections, Format.micros(row.p50Us()), Format.micros(row.p99Us()),
                Format.micros(row.maxUs()), row.deliveredPerS(), errors));
    }
}
