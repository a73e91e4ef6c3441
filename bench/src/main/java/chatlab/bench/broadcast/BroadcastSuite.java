package chatlab.bench.broadcast;

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
 * Broadcast, after the websocket-shootout method: N clients in rooms of a fixed size, every
 * {@code senderEvery}-th one saying something at a fixed rate, and every member (the sender
 * included) must receive every message of its room once. N steps up until p99 delivery latency
 * passes the threshold or anything is lost; the largest N held is the implementation's figure.
 */
public final class BroadcastSuite {

    public static final String NAME = "broadcast";

    /**
     * @param clients        N at each step, ascending
     * @param roomSize       members per room
     * @param senderEvery    every n-th client sends
     * @param ratePerSender  messages per second per sender
     * @param warmupMillis   sending before the measured window
     * @param firstWarmupMillis the same for the first step, which also warms a fresh server (JIT, pools)
     * @param durationMillis the measured window
     * @param payloadBytes   characters of chat text per message
     * @param p99ThresholdMillis a step whose p99 is above this is not held, and ends the series
     * @param drainMillis    how long to wait for late deliveries after sending stops
     */
    public record Settings(List<Integer> clients, int roomSize, int senderEvery, double ratePerSender,
                           long warmupMillis, long firstWarmupMillis, long durationMillis, int payloadBytes, long p99ThresholdMillis,
                           long drainMillis) {}

    private final SuiteContext context;
    private final Settings settings;

    public BroadcastSuite(SuiteContext context, Settings settings) {
        this.context = context;
        this.settings = settings;
    }

    /** @return the largest N held (0 if none) */
    public int run(String model) throws IOException {
        int held = 0;
        int run = 0;
        try (ServerHandle server = context.launcher().start(model);
             GeneratorPool pool = context.pool(server, ConnectPlan.CHAT_PATH, settings.roomSize())) {
            for (int clients : settings.clients()) {
                ConnectResult connected = pool.connectTo(clients);
                if (connected.failed() > 0 || server.deathNote() != null) {
                    String why = server.deathNote() != null ? server.deathNote()
                            : connected.failed() + " of " + connected.requested() + " connections failed, first: " + connected.firstFailure();
                    record(server, pool.open(), clients, new ProcSample(0, -1, -1, 0, 0, 0), connected, LoadResult.empty(),
                            connected.failed(), 0, "stopped before sending: " + why);
                    context.recorder().say("  " + model + " broadcast stopped at " + clients + " clients: " + why);
                    break;
                }
                context.settle();
                ProcSample before = SuiteContext.sample(server);
                LoadPlan plan = new LoadPlan(LoadPlan.Kind.BROADCAST, settings.senderEvery(), settings.ratePerSender(),
                        run == 0 ? Math.max(settings.warmupMillis(), settings.firstWarmupMillis()) : settings.warmupMillis(),
                        settings.durationMillis(), settings.payloadBytes(), settings.drainMillis(), ++run);
                long generatorCpu = pool.generatorCpuMillis();
                LoadResult result = pool.load(plan);
                generatorCpu = pool.generatorCpuMillis() - generatorCpu;
                String death = server.deathNote();
                ProcSample after = death == null ? SuiteContext.sample(server) : before;
                Histogram latency = result.histogram();
                long p99 = latency.getTotalCount() > 0 ? latency.getValueAtPercentile(99) : 0;
                String note = "";
                if (death != null) {
                    note = "stopped: " + death;
                } else if (result.totalErrors() > 0) {
                    note = "not held: " + result.lost() + " lost, " + result.duplicates() + " duplicated, " + result.errors()
                            + " other errors" + (result.firstError() == null ? "" : ", first: " + result.firstError());
                } else if (p99 > settings.p99ThresholdMillis() * 1000) {
                    note = "not held: p99 " + Format.micros(p99) + " above " + settings.p99ThresholdMillis() + " ms";
                }
                record(server, pool.open(), clients, after.since(before), connected, result, result.totalErrors(), generatorCpu, note);
                if (!note.isEmpty()) {
                    context.recorder().say("  " + model + " broadcast " + note);
                    break;
                }
                held = clients;
            }
        }
        context.recorder().say("  " + model + " broadcast: largest N held = " + held);
        return held;
    }

    private void record(ServerHandle server, int open, int clients, ProcSample delta, ConnectResult connected,
                        LoadResult result, long errors, long generatorCpu, String note) throws IOException {
        JsonNode stats = SuiteContext.statsOrEmpty(server);
        Histogram latency = result.histogram();
        Histogram connect = connected.histogram();
        boolean any = latency.getTotalCount() > 0;
        ResultRow row = new ResultRow(NAME, server.model(), open, clients, delta.rssBytes(),
                stats.path("heapUsedBytes").asLong(-1), delta.threads(), delta.cpuMillis(), delta.ctxVoluntary(),
                delta.ctxInvoluntary(), connect.getTotalCount() > 0 ? connect.getValueAtPercentile(99) : 0,
                any ? latency.getValueAtPercentile(50) : 0, any ? latency.getValueAtPercentile(99) : 0,
                any ? latency.getValueAtPercentile(99.9) : 0, any ? latency.getMaxValue() : 0,
                result.sent(), result.delivered(), result.deliveredPerSecond(), errors);
        int senders = (clients + settings.senderEvery() - 1) / settings.senderEvery();
        double offered = senders * settings.ratePerSender() * Math.min(settings.roomSize(), Math.max(1, clients));
        ProcReader.Sockstat sockstat = ProcReader.sockstat();
        StepDetail detail = new StepDetail(NAME, server.model(), open, clients, sockstat.tcpMemBytes(), sockstat.tcpInUse(),
                sockstat.tcpTimeWait(), stats.path("connections").asLong(-1), offered, result.measuredMillis(), generatorCpu,
                note.isEmpty() && result.firstError() != null ? result.firstError() : note);
        context.recorder().record(row, detail, String.format(Locale.ROOT,
                "[broadcast] %-17s %,7d clients  p50 %9s  p99 %9s  max %9s  delivered %,10.0f/s  sent %,d  errors %d",
                server.model(), clients, Format.micros(row.p50Us()), Format.micros(row.p99Us()),
                Format.micros(row.maxUs()), row.deliveredPerS(), row.sent(), errors));
    }
}
