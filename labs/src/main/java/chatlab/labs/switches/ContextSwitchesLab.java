package chatlab.labs.switches;

import chatlab.bench.Format;
import chatlab.bench.SuiteContext;
import chatlab.bench.load.ConnectPlan;
import chatlab.bench.load.GeneratorPool;
import chatlab.bench.load.LoadPlan;
import chatlab.bench.server.ServerHandle;
import chatlab.labs.Lab;
import chatlab.labs.LabContext;
import chatlab.labs.LabOptions;
import chatlab.labs.LabPage;
import chatlab.labs.Size;
import chatlab.labs.Variant;
import chatlab.protocol.server.Implementation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Context switches per delivered message, at one fixed message rate: the lecture's "threads cost
 * context switches". The chat's broadcast load (rooms of ten, one sender each, open loop) runs at
 * the same total rate of messages whatever the number of connections, so every server has the same
 * work to do per second; the server's own {@code getrusage} (its whole process, ended threads
 * included, from {@code /stats}) then says how often its threads were switched out, and how much
 * CPU it spent, per message it delivered.
 */
public final class ContextSwitchesLab implements Lab<ContextSwitchesLab.Settings> {

    public static final String NAME = "context-switches";

    /**
     * @param variants          the servers, in order
     * @param connections       the connection counts, ascending; the message rate is the same at each
     * @param roomSize          members per room, one of whom sends
     * @param messagesPerSecond the total rate of chat messages sent (each is delivered to its room's every member)
     * @param warmupMillis      sending before each measured window
     * @param firstWarmupMillis the same before a server's first window, which also warms it (JIT)
     * @param durationMillis    the measured window
     * @param payloadBytes      characters of chat text per message
     * @param drainMillis       how long to wait for late deliveries
     */
    public record Settings(List<Variant> variants, List<Integer> connections, int roomSize, double messagesPerSecond, long warmupMillis,
                           long firstWarmupMillis, long durationMillis, int payloadBytes, long drainMillis) implements Lab.Settings {}

    @Override public String name() { return NAME; }
    @Override public String title() { return "Context switches per message"; }
    @Override public int order() { return 30; }
    @Override public LabPage page() { return new ContextSwitchesPage(); }

    @Override
    public String question() {
        return "At a fixed message rate, how many context switches and how much CPU time does each model spend per delivered message?";
    }

    @Override
    public Settings settings(Size size, LabOptions options) {
        boolean full = size == Size.FULL;
        List<Variant> variants = Variant.of(full ? Implementation.ids() : Implementation.coreIds());
        List<Integer> connections = options.cap(full ? List.of(100, 1000, 5000) : List.of(100, 1000));
        return new Settings(options.keep(variants), connections, 10, 200, 2_000, full ? 10_000 : 5_000,
                options.millis(full ? 15_000 : 5_000), 64, 3_000);
    }

    @Override
    public void run(Settings settings, LabContext context) {
        context.forEach(NAME, settings.variants(), variant -> series(settings, context, variant));
    }

    private static void series(Settings settings, LabContext context, Variant variant) throws IOException {
        SuiteContext harness = context.harness();
        int run = 0;
        try (ServerHandle server = context.start(variant);
             GeneratorPool pool = harness.pool(server, ConnectPlan.CHAT_PATH, settings.roomSize())) {
            for (int connections : settings.connections()) {
                SuiteContext.Connected connected = harness.connect(server, pool, connections);
                if (connected.nothingToAdd()) break;
                if (connected.failure() != null) {
                    record(harness, server, pool, connected, SuiteContext.Measured.none(), "stopped before sending: " + connected.failure());
                    return;
                }
                int senders = Math.max(1, connected.target() / settings.roomSize());
                long warmup = run == 0 ? settings.firstWarmupMillis() : settings.warmupMillis();
                LoadPlan plan = new LoadPlan(LoadPlan.Kind.BROADCAST, settings.roomSize(), settings.messagesPerSecond() / senders,
                        warmup, settings.durationMillis(), settings.payloadBytes(), settings.drainMillis(), ++run);
                SuiteContext.Measured measured = harness.measure(server, pool, plan);
                List<String> notes = new ArrayList<>();
                if (measured.death() != null) notes.add("stopped: " + measured.death());
                if (measured.result().totalErrors() > 0) notes.add(measured.result().describeFaults());
                if (connected.limit() != null) notes.add(connected.limit());
                record(harness, server, pool, connected, measured, String.join("; ", notes));
                if (measured.death() != null || connected.limit() != null) return;
            }
        }
    }

    private static void record(SuiteContext harness, ServerHandle server, GeneratorPool pool, SuiteContext.Connected connected,
                               SuiteContext.Measured measured, String note) throws IOException {
        harness.recordLoadStep(NAME, server, pool, connected, measured, note, row -> String.format(Locale.ROOT,
                "[%s] %-17s %,6d conns  delivered %,7.0f/s of %,7.0f  switches/delivery %6s (voluntary %s)  cpu/delivery %8s us  threads %,d",
                NAME, server.model(), row.clients(), row.deliveredPerS(), row.offeredPerS(),
                Format.decimal(ContextSwitchesPage.perDelivery(row.ctxTotal(), row)),
                Format.decimal(ContextSwitchesPage.perDelivery(row.ctxVoluntary(), row)),
                Format.decimal(chatlab.bench.results.Figures.cpuMicrosPerDelivery(row)), row.threads()));
        if (!note.isEmpty()) harness.recorder().say("  " + server.model() + " " + note);
    }
}
