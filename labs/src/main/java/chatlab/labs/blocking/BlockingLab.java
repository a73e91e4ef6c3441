package chatlab.labs.blocking;

import chatlab.bench.Format;
import chatlab.bench.SuiteContext;
import chatlab.bench.load.GeneratorPool;
import chatlab.bench.load.LoadPlan;
import chatlab.bench.load.LoadResult;
import chatlab.bench.load.Transport;
import chatlab.bench.server.ServerHandle;
import chatlab.labs.Lab;
import chatlab.labs.LabContext;
import chatlab.labs.LabOptions;
import chatlab.labs.LabPage;
import chatlab.labs.Size;
import chatlab.labs.Variant;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One client blocks, the others chat: the lecture's "an event loop must never be blocked". Rooms
 * of chatting clients (the bystanders) send at a steady rate, open loop, while one more client
 * (the blocker, in the first room, sending no chat) sends the lab's {@code sleep} messages for a
 * while, then its {@code compute} messages. The generator records the bystanders' delivery
 * latency in time buckets and the blocker's answers one by one, so the page can draw what the
 * others saw while one of them blocked, in {@code evented} with and without {@code --workers}
 * and in the two thread-per-connection models.
 */
public final class BlockingLab implements Lab<BlockingLab.Settings> {

    public static final String NAME = "blocking-the-loop";

    /**
     * @param variants       the servers (each with {@code --lab})
     * @param connections    the bystanders and the blocker
     * @param roomSize       members per room; every bystander sends
     * @param ratePerSender  chat messages per second per bystander
     * @param warmupMillis   sending before the first bucket the page calls quiet
     * @param durationMillis the rest of the run, bursts included
     * @param bursts         the blocker's lab messages, from the start of the run
     * @param bucketMillis   the width of the time buckets of the bystanders' latency
     * @param payloadBytes   characters of chat text per message
     * @param drainMillis    how long to wait for late deliveries and answers
     */
    public record Settings(List<Variant> variants, int connections, int roomSize, double ratePerSender, long warmupMillis,
                           long durationMillis, List<LoadPlan.Burst> bursts, long bucketMillis, int payloadBytes, long drainMillis)
            implements Lab.Settings {}

    @Override public String name() { return NAME; }
    @Override public String title() { return "Blocking the loop"; }
    @Override public int order() { return 40; }
    @Override public LabPage page() { return new BlockingPage(); }

    @Override
    public String question() {
        return "While one client's request blocks or burns CPU, what happens to every other client's latency in each model?";
    }

    /** The servers: evented alone and with a worker pool, and the two thread-per-connection models, all with the lab's messages. */
    static List<Variant> variants() {
        return List.of(
                new Variant("evented", "evented", List.of(), List.of("--lab")),
                new Variant("evented --workers 2", "evented", List.of(), List.of("--lab", "--workers", "2")),
                new Variant("threaded-platform", "threaded-platform", List.of(), List.of("--lab")),
                new Variant("threaded-virtual", "threaded-virtual", List.of(), List.of("--lab")));
    }

    @Override
    public Settings settings(Size size, LabOptions options) {
        boolean full = size == Size.FULL;
        long work = full ? 300 : 200;
        long every = full ? 1_000 : 500;
        long warmup = full ? 2_000 : 1_000;
        // Quiet, then sleeps, quiet, then computes, quiet: each phase as long as the next.
        long phase = options.millis(full ? 6_000 : 3_000);
        long sleepFrom = warmup + phase / 2 + 500;
        long computeFrom = sleepFrom + phase + 1_000;
        List<LoadPlan.Burst> bursts = List.of(
                new LoadPlan.Burst(new LoadPlan.Work("sleep", (int) work), sleepFrom, sleepFrom + phase, every),
                new LoadPlan.Burst(new LoadPlan.Work("compute", (int) work), computeFrom, computeFrom + phase, every));
        long duration = computeFrom + phase + 1_000 - warmup;
        return new Settings(options.keep(variants()), options.cap(full ? 100 : 20), 10, full ? 5 : 10, warmup, duration, bursts, 50,
                64, 5_000);
    }

    @Override
    public void run(Settings settings, LabContext context) {
        List<BlockingPage.Point> timeline = new ArrayList<>();
        List<BlockingPage.Request> requests = new ArrayList<>();
        context.forEach(NAME, settings.variants(), variant -> series(settings, context, variant, timeline, requests));
    }

    private static void series(Settings settings, LabContext context, Variant variant, List<BlockingPage.Point> timeline,
                               List<BlockingPage.Request> requests) throws IOException {
        SuiteContext harness = context.harness();
        try (ServerHandle server = context.start(variant);
             GeneratorPool pool = harness.pool(server, Transport.WEBSOCKET, settings.roomSize())) {
            SuiteContext.Connected connected = harness.connect(server, pool, settings.connections());
            if (connected.failure() != null) {
                harness.recordLoadStep(NAME, server, pool, connected, SuiteContext.Measured.none(), "not measured: " + connected.failure(),
                        row -> "  " + variant.label() + " not measured: " + connected.failure());
                return;
            }
            LoadPlan.Blocker blocker = new LoadPlan.Blocker(0, settings.bursts());
            LoadPlan plan = new LoadPlan(LoadPlan.Kind.BROADCAST, 1, settings.ratePerSender(), settings.warmupMillis(),
                    settings.durationMillis(), settings.payloadBytes(), settings.drainMillis(), 1, null,
                    new LoadPlan.Lab(null, blocker, settings.bucketMillis()));
            SuiteContext.Measured measured = harness.measure(server, pool, plan);
            LoadResult result = measured.result();
            for (LoadResult.Bucket b : result.timeline()) {
                timeline.add(new BlockingPage.Point(variant.label(), b.startMillis(), b.count(), Math.round(b.meanMicros()), b.maxMicros()));
            }
            for (LoadResult.Answer a : result.blocked()) {
                requests.add(new BlockingPage.Request(variant.label(), a.type(), a.millis(), a.sentAtMillis(), a.latencyMicros(), a.thread()));
            }
            BlockingPage.write(context, timeline, requests);
            String note = measured.death() != null ? "stopped: " + measured.death()
                    : result.totalErrors() > 0 ? result.describeFaults() : "";
            List<BlockingPage.Point> mine = timeline.stream().filter(p -> p.server().equals(variant.label())).toList();
            List<BlockingPage.Request> asked = requests.stream().filter(r -> r.server().equals(variant.label())).toList();
            harness.recordLoadStep(NAME, server, pool, connected, measured, note, row -> String.format(Locale.ROOT,
                    "[%s] %-20s others' typical worst: quiet %s, during a sleep %s, during a compute %s; the blocker's answers: sleep %s, compute %s (%s)",
                    NAME, variant.label(),
                    Format.micros(BlockingPage.typicalQuiet(mine, settingsOf(settings).quiet(), settingsOf(settings).millis().get("sleep"))),
                    Format.micros(BlockingPage.typicalDuring(mine, asked, "sleep")),
                    Format.micros(BlockingPage.typicalDuring(mine, asked, "compute")),
                    Format.micros(BlockingPage.median(asked, "sleep")), Format.micros(BlockingPage.median(asked, "compute")),
                    String.join(", ", BlockingPage.threads(asked))));
        }
    }

    private static BlockingPage.Phases settingsOf(Settings settings) {
        return BlockingPage.Phases.of(settings.warmupMillis(), settings.bursts());
    }
}
