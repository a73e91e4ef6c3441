package chatlab.bench.echo;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Echo on {@code /echo}: fixed connection counts, each connection sending at a fixed open-loop
 * rate, every message due back once. The question: request-response latency and throughput with
 * no fan-out, where the models differ only in how they wait for and wake up on a socket.
 */
public final class EchoSuite implements Suite<EchoSuite.Settings> {

    public static final String NAME = "echo";

    /**
     * @param connections        connection counts, ascending
     * @param ratePerConnection  messages per second per connection
     * @param firstWarmupMillis  warm-up of the first step, which also warms a fresh server
     */
    public record Settings(List<Integer> connections, double ratePerConnection, long warmupMillis, long firstWarmupMillis,
                           long durationMillis, int payloadBytes, long drainMillis) {}

    @Override public String name() { return NAME; }
    @Override public String description() { return "open-loop echo at fixed connection counts: round trip and throughput without fan-out"; }
    @Override public int order() { return 30; }
    @Override public boolean inQuick() { return true; }
    @Override public ReportSection section() { return new EchoSection(); }

    @Override
    public Settings settings(Profile profile, Overrides overrides) {
        boolean quick = profile == Profile.QUICK;
        int max = overrides.maxConnections() != null ? overrides.maxConnections() : Integer.MAX_VALUE;
        List<Integer> steps = quick ? List.of(50, 200) : List.of(100, 1000, 5000, 10000);
        long window = overrides.duration() != null ? overrides.duration().toMillis() : quick ? 3_000 : 15_000;
        return new Settings(Steps.capped(steps, max, false), quick ? 20.0 : 5.0, quick ? 1_000 : 5_000, quick ? 5_000 : 15_000,
                window, 64, quick ? 3_000 : 10_000);
    }

    @Override
    public void run(Settings settings, SuiteContext context, List<Implementation> impls) {
        context.forEach(NAME, impls, model -> new Series(context, settings).run(model));
    }

    /** One implementation's steps. */
    private record Series(SuiteContext context, Settings settings) {

        void run(String model) throws IOException {
            int run = 0;
            try (ServerHandle server = context.launcher().start(model);
                 GeneratorPool pool = context.pool(server, ConnectPlan.ECHO_PATH, 1)) {
                for (int connections : settings.connections()) {
                    SuiteContext.Connected connected = context.connect(server, pool, connections);
                    if (connected.nothingToAdd()) {
                        context.recorder().say("  " + model + " echo " + connected.limit());
                        break;
                    }
                    if (connected.failure() != null) {
                        record(server, pool, connected, SuiteContext.Measured.none(), "stopped before sending: " + connected.failure());
                        return;
                    }
                    long warmup = run == 0 ? Math.max(settings.warmupMillis(), settings.firstWarmupMillis()) : settings.warmupMillis();
                    LoadPlan plan = new LoadPlan(LoadPlan.Kind.ECHO, 1, settings.ratePerConnection(), warmup,
                            settings.durationMillis(), settings.payloadBytes(), settings.drainMillis(), ++run);
                    SuiteContext.Measured measured = context.measure(server, pool, plan);
                    LoadResult result = measured.result();
                    // A step with losses is recorded and the series goes on: echo has no threshold to pass.
                    List<String> notes = new ArrayList<>();
                    if (measured.death() != null) notes.add("stopped: " + measured.death());
                    if (result.totalErrors() > 0) notes.add(result.describeFaults());
                    if (connected.limit() != null) notes.add(connected.limit());
                    record(server, pool, connected, measured, String.join("; ", notes));
                    if (measured.death() != null || connected.limit() != null) return;
                }
            }
        }

        private void record(ServerHandle server, GeneratorPool pool, SuiteContext.Connected connected, SuiteContext.Measured measured,
                            String note) throws IOException {
            context.recordLoadStep(NAME, server, pool, connected, measured, note,
                    row -> String.format(Locale.ROOT, "[echo] %-17s %,7d conns  p50 %9s  p99 %9s  max %9s  offered %,8.0f/s  delivered %,8.0f/s  errors %d",
                            server.model(), row.clients(), Format.micros(row.p50Us()), Format.micros(row.p99Us()),
                            Format.micros(row.maxUs()), row.offeredPerS(), row.deliveredPerS(), row.errors()));
            if (!note.isEmpty()) context.recorder().say("  " + server.model() + " echo " + note);
        }
    }
}
