package chatlab.bench.broadcast;

import chatlab.bench.Format;
import chatlab.bench.Overrides;
import chatlab.bench.Profile;
import chatlab.bench.Steps;
import chatlab.bench.Suite;
import chatlab.bench.SuiteContext;
import chatlab.bench.load.ConnectPlan;
import chatlab.bench.load.GeneratorPool;
import chatlab.bench.load.LoadPlan;
import chatlab.bench.load.LoadResult;
import chatlab.bench.results.ReportSection;
import chatlab.bench.server.ServerHandle;
import chatlab.protocol.server.Implementation;
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
public final class BroadcastSuite implements Suite<BroadcastSuite.Settings> {

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

    @Override public String name() { return NAME; }
    @Override public String description() { return "rooms with one sender in ten, N stepped up until p99 passes the threshold or a message is lost"; }
    @Override public int order() { return 20; }
    @Override public boolean inQuick() { return true; }
    @Override public ReportSection section() { return new BroadcastSection(); }

    @Override
    public Settings settings(Profile profile, Overrides overrides) {
        boolean quick = profile == Profile.QUICK;
        int max = overrides.maxConnections() != null ? overrides.maxConnections() : Integer.MAX_VALUE;
        List<Integer> steps = quick ? List.of(100, 250, 500) : List.of(1000, 2000, 5000, 10000, 15000, 19000);
        long window = overrides.duration() != null ? overrides.duration().toMillis() : quick ? 3_000 : 15_000;
        long threshold = overrides.p99ThresholdMillis() != null ? overrides.p99ThresholdMillis() : 250;
        return new Settings(Steps.capped(steps, max, false), quick ? 50 : 100, 10, quick ? 2.0 : 1.0,
                quick ? 1_000 : 5_000, quick ? 5_000 : 15_000, window, 64, threshold, quick ? 3_000 : 10_000);
    }

    @Override
    public void run(Settings settings, SuiteContext context, List<Implementation> impls) {
        context.forEach(NAME, impls, model -> new Series(context, settings).run(model));
    }

    /** One implementation's series of steps. */
    private record Series(SuiteContext context, Settings settings) {

        /** @return the largest N held (0 if none) */
        int run(String model) throws IOException {
            int held = 0;
            int run = 0;
            try (ServerHandle server = context.launcher().start(model);
                 GeneratorPool pool = context.pool(server, ConnectPlan.CHAT_PATH, settings.roomSize())) {
                for (int clients : settings.clients()) {
                    SuiteContext.Connected connected = context.connect(server, pool, clients);
                    if (connected.nothingToAdd()) {
                        context.recorder().say("  " + model + " broadcast " + connected.limit());
                        break;
                    }
                    if (connected.failure() != null) {
                        record(server, pool, connected, SuiteContext.Measured.none(), "stopped before sending: " + connected.failure());
                        break;
                    }
                    long warmup = run == 0 ? Math.max(settings.warmupMillis(), settings.firstWarmupMillis()) : settings.warmupMillis();
                    LoadPlan plan = new LoadPlan(LoadPlan.Kind.BROADCAST, settings.senderEvery(), settings.ratePerSender(), warmup,
                            settings.durationMillis(), settings.payloadBytes(), settings.drainMillis(), ++run);
                    SuiteContext.Measured measured = context.measure(server, pool, plan);
                    String notHeld = notHeld(measured);
                    record(server, pool, connected, measured, notHeld.isEmpty() && connected.limit() != null ? connected.limit() : notHeld);
                    if (!notHeld.isEmpty()) break;
                    held = connected.target();
                    if (connected.limit() != null) break;
                }
            }
            context.recorder().say("  " + model + " broadcast: largest N held = " + held);
            return held;
        }

        /** Why a measured step is not held ("" when it is): the server died, something was lost, or p99 passed the threshold. */
        private String notHeld(SuiteContext.Measured measured) {
            LoadResult result = measured.result();
            Histogram latency = result.histogram();
            long p99 = latency.getTotalCount() > 0 ? latency.getValueAtPercentile(99) : 0;
            if (measured.death() != null) return "stopped: " + measured.death();
            if (result.totalErrors() > 0) return "not held: " + result.describeFaults();
            if (p99 > settings.p99ThresholdMillis() * 1000) {
                return "not held: p99 " + Format.micros(p99) + " above " + settings.p99ThresholdMillis() + " ms";
            }
            return "";
        }

        private void record(ServerHandle server, GeneratorPool pool, SuiteContext.Connected connected, SuiteContext.Measured measured,
                            String note) throws IOException {
            context.recordLoadStep(NAME, server, pool, connected, measured, note, row -> String.format(Locale.ROOT,
                    "[broadcast] %-17s %,7d clients  p50 %9s  p99 %9s  max %9s  offered %,9.0f/s  delivered %,9.0f/s  errors %d",
                    server.model(), row.clients(), Format.micros(row.p50Us()), Format.micros(row.p99Us()),
                    Format.micros(row.maxUs()), row.offeredPerS(), row.deliveredPerS(), row.errors()));
            if (!note.isEmpty()) context.recorder().say("  " + server.model() + " broadcast " + note);
        }
    }
}
