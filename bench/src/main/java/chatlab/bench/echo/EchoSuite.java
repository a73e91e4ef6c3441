package chatlab.bench.echo;

import chatlab.bench.Format;
import chatlab.bench.SuiteContext;
import chatlab.bench.load.ConnectPlan;
import chatlab.bench.load.GeneratorPool;
import chatlab.bench.load.LoadPlan;
import chatlab.bench.load.LoadResult;
import chatlab.bench.server.ServerHandle;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
                SuiteContext.Connected connected = context.connect(server, pool, connections);
                if (connected.nothingToAdd()) {
                    context.recorder().say("  " + model + " echo " + connected.limit());
                    break;
                }
                if (connected.failure() != null) {
                    record(server, pool, connected, SuiteContext.unmeasured(), "stopped before sending: " + connected.failure());
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
                String note = String.join("; ", notes);
                record(server, pool, connected, measured, note);
                if (measured.death() != null || connected.limit() != null) return;
            }
        }
    }

    private void record(ServerHandle server, GeneratorPool pool, SuiteContext.Connected connected, SuiteContext.Measured measured,
                        String note) throws IOException {
        context.recordLoadStep(NAME, server, pool, connected, measured, connected.target() * settings.ratePerConnection(), note,
                row -> String.format(Locale.ROOT, "[echo] %-17s %,7d conns  p50 %9s  p99 %9s  max %9s  %,10.0f msg/s  errors %d",
                        server.model(), connected.target(), Format.micros(row.p50Us()), Format.micros(row.p99Us()),
                        Format.micros(row.maxUs()), row.deliveredPerS(), row.errors()));
        if (!note.isEmpty()) context.recorder().say("  " + server.model() + " echo " + note);
    }
}
