package chatlab.labs.parallel;

import chatlab.bench.Format;
import chatlab.bench.SuiteContext;
import chatlab.bench.load.GeneratorPool;
import chatlab.bench.load.LoadPlan;
import chatlab.bench.load.LoadResult;
import chatlab.bench.load.Transport;
import chatlab.bench.procfs.ProcReader;
import chatlab.bench.results.Failure;
import chatlab.bench.server.ServerHandle;
import chatlab.labs.Lab;
import chatlab.labs.LabContext;
import chatlab.labs.LabOptions;
import chatlab.labs.LabPage;
import chatlab.labs.Size;
import chatlab.labs.Variant;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * CPU-bound work from many clients on a two-core machine: the lecture's "threads give
 * parallelism", and the event loop's two answers to it (a worker pool, and several loops).
 *
 * <p>Part 1: every client sends the lab's {@code compute} messages at a rate that adds up to a
 * given number of cores' worth of work (open loop); what the server completes per second, times
 * the work of one message, is the cores' worth it managed, next to the CPU its process used and
 * the latency of the answers. Part 2: {@code evented} with one loop and with
 * {@code --loops N}, under the bench's echo and broadcast loads at small sizes, the offered rate in
 * steps: what the second loop changes for messages that cost the server little each.
 *
 * <p>The server may use both cores (unlike in the other labs, where it is pinned to one); the
 * generator shares one of them, and every step records what the server, the generator and the
 * whole machine used, so that the page can tell a server that could not use a second core from one
 * that found none free.
 */
public final class ParallelismLab implements Lab<ParallelismLab.Settings> {

    public static final String NAME = "parallelism";
    /** The flag every server of this lab gets: the JVM sizes its pools for both cores, although it starts pinned to one. */
    static final String BOTH_CORES_FLAG = "-XX:ActiveProcessorCount=2";
    /** The CPUs the lab lets the server use once it runs. */
    static final String SERVER_CPUS = "0,1";
    /** The loops of part 2's second server. */
    static final int LOOPS = 2;

    /**
     * @param computeVariants part 1's servers (each with {@code --lab})
     * @param clients         part 1: connections, each of which sends {@code compute}s
     * @param computeMillis   the CPU time of one {@code compute}
     * @param offeredCores    part 1's steps: cores' worth of work offered per second, ascending
     * @param loopVariants    part 2's servers: {@code evented} with one loop and with {@link #LOOPS}
     * @param echoConnections part 2: connections on {@code /echo}
     * @param echoRates       part 2: echo messages offered per second (all connections together), ascending
     * @param broadcastClients part 2: chat connections, in rooms of {@code roomSize}, every {@code senderEvery}-th sending
     * @param roomSize        members per room
     * @param senderEvery     every n-th client sends
     * @param broadcastRates  part 2: deliveries offered per second (messages times their room's members), ascending
     * @param warmupMillis    sending before each window
     * @param durationMillis  the measured window
     * @param drainMillis     how long to wait for the answers still due (a server that fell behind works off its backlog)
     */
    public record Settings(List<Variant> computeVariants, int clients, int computeMillis, List<Double> offeredCores,
                           List<Variant> loopVariants, int echoConnections, List<Integer> echoRates, int broadcastClients,
                           int roomSize, int senderEvery, List<Integer> broadcastRates, long warmupMillis, long durationMillis,
                           long drainMillis) implements Lab.Settings {

        /** Every server of either part, once each, in order. */
        @Override
        public List<Variant> variants() {
            Map<String, Variant> all = new LinkedHashMap<>();
            for (Variant v : computeVariants) all.putIfAbsent(v.label(), v);
            for (Variant v : loopVariants) all.putIfAbsent(v.label(), v);
            return List.copyOf(all.values());
        }
    }

    @Override public String name() { return NAME; }
    @Override public String title() { return "Parallelism"; }
    @Override public int order() { return 50; }
    @Override public LabPage page() { return new ParallelismPage(); }

    @Override
    public String question() {
        return "With CPU-bound requests from many clients on two cores, which models use both cores, and what do several event loops change?";
    }

    /** The servers of the computing part. */
    static List<Variant> computeVariants() {
        return List.of(
                variant("threaded-platform", "threaded-platform", "--lab"),
                variant("threaded-virtual", "threaded-virtual", "--lab"),
                variant("evented", "evented", "--lab"),
                variant("evented --workers 2", "evented", "--lab", "--workers", "2"));
    }

    /** The servers of the loops part: the same {@code evented} as part 1's, and one with {@link #LOOPS} loops. */
    static List<Variant> loopVariants() {
        return List.of(variant("evented", "evented", "--lab"),
                variant("evented --loops " + LOOPS, "evented", "--lab", "--loops", Integer.toString(LOOPS)));
    }

    private static Variant variant(String label, String model, String... options) {
        return new Variant(label, model, List.of(BOTH_CORES_FLAG), List.of(options));
    }

    @Override
    public Settings settings(Size size, LabOptions options) {
        boolean full = size == Size.FULL;
        List<Double> steps = full ? List.of(0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75) : List.of(0.5, 1.0, 1.5);
        List<Integer> echoRates = full ? List.of(2_000, 5_000, 10_000, 20_000, 30_000) : List.of(2_000, 5_000, 10_000);
        List<Integer> broadcastRates = full ? List.of(5_000, 10_000, 20_000, 40_000, 60_000, 80_000) : List.of(5_000, 20_000, 40_000);
        return new Settings(options.keep(computeVariants()), options.cap(20), 10, steps, options.keep(loopVariants()),
                options.cap(100), echoRates, options.cap(200), 20, 10, broadcastRates, full ? 3_000 : 2_000,
                options.millis(full ? 10_000 : 5_000), 20_000);
    }

    @Override
    public void run(Settings settings, LabContext context) throws IOException {
        List<ParallelismPage.Step> steps = new ArrayList<>();
        context.forEach(NAME, settings.computeVariants(), variant -> computeSeries(settings, context, variant, steps));
        List<LoopsSection.Step> loopSteps = new ArrayList<>();
        context.forEach(NAME, settings.loopVariants(), variant -> loopSeries(settings, context, variant, loopSteps));
    }

    private static void computeSeries(Settings settings, LabContext context, Variant variant, List<ParallelismPage.Step> steps)
            throws IOException {
        SuiteContext harness = context.harness();
        try (ServerHandle server = context.start(variant);
             GeneratorPool pool = harness.pool(server, Transport.WEBSOCKET, 1)) {
            harness.recorder().say("  [" + NAME + "] " + variant.label() + ": " + allowCpus(server.pid()));
            SuiteContext.Connected connected = connect(harness, server, pool, settings.clients());
            int run = 0;
            for (double cores : settings.offeredCores()) {
                double perSecond = cores * 1000.0 / settings.computeMillis();
                LoadPlan plan = new LoadPlan(LoadPlan.Kind.WORK, 1, perSecond / connected.target(), settings.warmupMillis(),
                        settings.durationMillis(), 0, settings.drainMillis(), ++run, null,
                        new LoadPlan.Lab(new LoadPlan.Work("compute", settings.computeMillis()), null, 0));
                Sample sample = measure(harness, server, pool, plan, variant, connected.target());
                LoadResult result = sample.measured().result();
                Histogram latency = result.histogram();
                boolean any = latency.getTotalCount() > 0;
                ParallelismPage.Step step = new ParallelismPage.Step(variant.label(), cores, result.offeredPerSecond(),
                        result.deliveredPerSecond(), settings.computeMillis(), sample.cpu(),
                        any ? latency.getValueAtPercentile(50) : -1, any ? latency.getValueAtPercentile(99) : -1,
                        result.sent(), result.delivered(), result.lost());
                steps.add(step);
                ParallelismPage.write(context, steps);
                harness.recorder().say(String.format(Locale.ROOT,
                        "  [%s] %-20s offered %.2f cores: completed %s cores (%s computes/s of %s), %s, p99 %s",
                        NAME, variant.label(), cores, Format.decimal(step.completedCores()), Format.count(step.deliveredPerS()),
                        Format.count(step.offeredPerS()), describe(sample.cpu()), Format.micros(step.p99Us())));
                if (sample.measured().death() != null) return;
            }
        }
    }

    /** Part 2: the echo load, then the broadcast load, on one server. */
    private static void loopSeries(Settings settings, LabContext context, Variant variant, List<LoopsSection.Step> steps)
            throws IOException {
        SuiteContext harness = context.harness();
        try (ServerHandle server = context.start(variant)) {
            harness.recorder().say("  [" + NAME + "] " + variant.label() + ": " + allowCpus(server.pid()));
            int run = 0;
            try (GeneratorPool pool = harness.pool(server, Transport.ECHO, 1)) {
                SuiteContext.Connected connected = connect(harness, server, pool, settings.echoConnections());
                for (int rate : settings.echoRates()) {
                    LoadPlan plan = new LoadPlan(LoadPlan.Kind.ECHO, 1, rate / (double) connected.target(), settings.warmupMillis(),
                            settings.durationMillis(), 32, settings.drainMillis(), ++run);
                    if (!loopStep(harness, server, pool, plan, variant, connected.target(), LoopsSection.ECHO, steps, context)) return;
                }
            }
            try (GeneratorPool pool = harness.pool(server, Transport.WEBSOCKET, settings.roomSize())) {
                SuiteContext.Connected connected = connect(harness, server, pool, settings.broadcastClients());
                int senders = Math.max(1, connected.target() / settings.senderEvery());
                for (int deliveries : settings.broadcastRates()) {
                    double perSender = deliveries / (double) settings.roomSize() / senders;
                    LoadPlan plan = new LoadPlan(LoadPlan.Kind.BROADCAST, settings.senderEvery(), perSender, settings.warmupMillis(),
                            settings.durationMillis(), 64, settings.drainMillis(), ++run);
                    if (!loopStep(harness, server, pool, plan, variant, connected.target(), LoopsSection.BROADCAST, steps, context)) return;
                }
            }
        }
    }

    /** One step of part 2, recorded; false when the server died and the series ends. */
    private static boolean loopStep(SuiteContext harness, ServerHandle server, GeneratorPool pool, LoadPlan plan, Variant variant,
                                    int connections, String suite, List<LoopsSection.Step> steps, LabContext context) throws IOException {
        Sample sample = measure(harness, server, pool, plan, variant, connections);
        LoadResult result = sample.measured().result();
        Histogram latency = result.histogram();
        boolean any = latency.getTotalCount() > 0;
        LoopsSection.Step step = new LoopsSection.Step(variant.label(), suite, result.offeredPerSecond(), result.deliveredPerSecond(),
                sample.cpu(), any ? latency.getValueAtPercentile(50) : -1, any ? latency.getValueAtPercentile(99) : -1,
                result.sent(), result.delivered(), result.lost());
        steps.add(step);
        LoopsSection.write(context, steps);
        harness.recorder().say(String.format(Locale.ROOT, "  [%s] %-20s %-9s offered %s/s: delivered %s/s, %s, p99 %s",
                NAME, variant.label(), suite, Format.count(step.offeredPerS()), Format.count(step.deliveredPerS()),
                describe(sample.cpu()), Format.micros(step.p99Us())));
        return sample.measured().death() == null;
    }

    private static SuiteContext.Connected connect(SuiteContext harness, ServerHandle server, GeneratorPool pool, int wanted)
            throws IOException {
        SuiteContext.Connected connected = harness.connect(server, pool, wanted);
        if (connected.failure() != null) throw new IOException("connections failed: " + connected.failure());
        return connected;
    }

    /** A step's measurement and who used the cores meanwhile. */
    private record Sample(SuiteContext.Measured measured, Cpu cpu) {}

    /** Measures one step, with the machine's busy time read around it; a failed check is recorded. */
    private static Sample measure(SuiteContext harness, ServerHandle server, GeneratorPool pool, LoadPlan plan, Variant variant,
                                  int connections) throws IOException {
        long machineBefore = ProcReader.machineBusyMillis();
        long wallBefore = System.nanoTime();
        SuiteContext.Measured measured = harness.measure(server, pool, plan);
        double wallSeconds = (System.nanoTime() - wallBefore) / 1e9;
        long machineAfter = ProcReader.machineBusyMillis();
        String failed = SuiteContext.checkLoad(measured.result(), measured.death() != null ? measured.death() : server.deathNote());
        if (failed != null) harness.recorder().fail(new Failure(NAME, variant.label(), connections, failed));
        return new Sample(measured, Cpu.of(measured, machineBefore, machineAfter, wallSeconds, Runtime.getRuntime().availableProcessors()));
    }

    private static String describe(Cpu cpu) {
        return String.format(Locale.ROOT, "server CPU %s cores, generator %s, other work %s", Format.decimal(cpu.server()),
                Format.decimal(cpu.generator()), Format.decimal(cpu.others()));
    }

    /**
     * Lets the server's threads run on both cores ({@code taskset -a -p -c 0,1 PID}): the lab
     * launcher pins every server to one core, as the other labs want it.
     */
    private static String allowCpus(long pid) {
        try {
            Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", SERVER_CPUS, Long.toString(pid)).redirectErrorStream(true).start();
            String out = new String(taskset.getInputStream().readAllBytes()).trim();
            if (!taskset.waitFor(10, TimeUnit.SECONDS) || taskset.exitValue() != 0) return "could not widen its CPUs (" + out + "): as launched";
            return "allowed CPUs " + SERVER_CPUS + " (taskset -a -p -c " + SERVER_CPUS + ")";
        } catch (IOException e) {
            return "could not widen its CPUs (no taskset: " + e.getMessage() + "): as launched";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while widening its CPUs";
        }
    }
}
