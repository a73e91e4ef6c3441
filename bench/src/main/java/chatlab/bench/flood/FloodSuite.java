package chatlab.bench.flood;

import chatlab.bench.Format;
import chatlab.bench.SuiteContext;
import chatlab.bench.load.ConnectPlan;
import chatlab.bench.load.ConnectResult;
import chatlab.bench.load.GeneratorPool;
import chatlab.bench.procfs.ProcReader;
import chatlab.bench.procfs.ProcSample;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.StepDetail;
import chatlab.bench.server.ServerHandle;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The connection flood: idle WebSocket connections, each joined to a room, opened in steps, with
 * the server's memory, threads and CPU sampled from {@code /proc} after each step. The question:
 * what does one more idle connection cost under each model? A step where connections fail ends
 * the series with the failure's description (the server's limit: threads, memory). The server's
 * file limit, which every model meets near 20,000 connections here, is read from {@code /proc}
 * before each step: a step that would pass it opens as many connections as the process has files
 * for, says so, and ends the series.
 */
public final class FloodSuite {

    public static final String NAME = "flood";

    /**
     * @param steps       total connections after each step, ascending
     * @param roomSize    members per room (joins cause presence messages to the room's other members)
     * @param toFileLimit after the steps, one more: as many connections as the server's process has files for
     */
    public record Settings(List<Integer> steps, int roomSize, boolean toFileLimit) {

        /** The steps to run, the open-ended last one ({@code toFileLimit}) as {@link Integer#MAX_VALUE}. */
        List<Integer> targets() {
            if (!toFileLimit) return steps;
            List<Integer> all = new ArrayList<>(steps);
            all.add(Integer.MAX_VALUE);
            return all;
        }
    }

    private final SuiteContext context;
    private final Settings settings;

    public FloodSuite(SuiteContext context, Settings settings) {
        this.context = context;
        this.settings = settings;
    }

    public void run(String model) throws IOException {
        try (ServerHandle server = context.launcher().start(model);
             GeneratorPool pool = context.pool(server, ConnectPlan.CHAT_PATH, settings.roomSize())) {
            context.settle();
            ProcSample before = SuiteContext.sample(server);
            ProcSample baseline = before;
            record(server, 0, 0, before.since(before), ConnectResult.empty(), 0, 0, 0, "");
            long beforeNanos = System.nanoTime();
            for (int step : settings.targets()) {
                long generatorCpu = pool.generatorCpuMillis();
                SuiteContext.Connected connected = context.connect(server, pool, step);
                if (connected.nothingToAdd()) {
                    context.recorder().say("  " + model + " " + connected.limit());
                    return;
                }
                generatorCpu = pool.generatorCpuMillis() - generatorCpu;
                context.settle();
                String death = server.deathNote();
                ProcSample after = death == null ? SuiteContext.sample(server) : before;
                long afterNanos = System.nanoTime();
                int open = pool.open();
                String note = death != null ? "stopped: " + death
                        : connected.failure() != null ? "stopped at " + open + " open connections: " + connected.failure()
                        : connected.limit() != null ? connected.limit() : "";
                record(server, open, connected.target(), after.since(before), connected.result(),
                        after.rssBytes() - baseline.rssBytes(), generatorCpu, TimeUnit.NANOSECONDS.toMillis(afterNanos - beforeNanos), note);
                if (!note.isEmpty()) {
                    context.recorder().say("  " + model + " " + note);
                    return;
                }
                before = after;
                beforeNanos = afterNanos;
            }
        }
    }

    private void record(ServerHandle server, int open, int step, ProcSample delta, ConnectResult connected,
                        long rssGrowth, long generatorCpu, long sampledMillis, String note) throws IOException {
        JsonNode stats = SuiteContext.statsOrEmpty(server);
        Histogram latency = connected.histogram();
        boolean any = latency.getTotalCount() > 0;
        double perSecond = connected.elapsedMillis() > 0 ? connected.opened() * 1000.0 / connected.elapsedMillis() : 0;
        ResultRow row = new ResultRow(NAME, server.model(), open, step, delta.rssBytes(),
                stats.path("heapUsedBytes").asLong(-1), delta.threads(), delta.cpuMillis(), delta.ctxVoluntary(),
                delta.ctxInvoluntary(), any ? latency.getValueAtPercentile(99) : 0,
                any ? latency.getValueAtPercentile(50) : 0, any ? latency.getValueAtPercentile(99) : 0,
                any ? latency.getValueAtPercentile(99.9) : 0, any ? latency.getMaxValue() : 0,
                connected.requested(), connected.opened(), perSecond, connected.failed());
        ProcReader.Sockstat sockstat = ProcReader.sockstat();
        StepDetail detail = new StepDetail(NAME, server.model(), open, step, sockstat.tcpMemBytes(), sockstat.tcpInUse(),
                sockstat.tcpTimeWait(), stats.path("connections").asLong(-1), 0, connected.elapsedMillis(), generatorCpu, note, sampledMillis);
        String perConnection = open > 0 ? Format.bytes((double) rssGrowth / open) + "/conn" : "";
        context.recorder().record(row, detail, String.format(java.util.Locale.ROOT,
                "[flood] %-17s %,7d conns  rss %10s %-14s threads %,6d  connect p99 %9s  failed %d",
                server.model(), open, Format.bytes(delta.rssBytes()), perConnection, delta.threads(),
                Format.micros(row.connectP99Us()), connected.failed()));
    }
}
