package chatlab.labs.parallel;

import chatlab.bench.Format;
import chatlab.bench.SuiteContext;
import chatlab.bench.load.ConnectPlan;
import chatlab.bench.load.GeneratorPool;
import chatlab.bench.load.LoadPlan;
import chatlab.bench.load.LoadResult;
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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * CPU-bound work from many clients on a two-core machine: the lecture's "threads give
 * parallelism", and the event loop's two answers to it (a worker pool, and several loops). Every
 * client sends the lab's {@code compute} messages at a rate that adds up to a given number of
 * cores' worth of work (open loop); what the server completes per second, times the work of one
 * message, is the cores' worth it managed, next to the CPU its process used and the latency of
 * the answers. The server may use both cores (unlike in the other labs, where it is pinned to
 * one); the generator shares one of them and sends little, and its CPU is reported beside.
 */
public final class ParallelismLab implements Lab<ParallelismLab.Settings> {

    public static final String NAME = "parallelism";
    /** The flag every server of this lab gets: the JVM sizes its pools for both cores, although it starts pinned to one. */
    static final String BOTH_CORES_FLAG = "-XX:ActiveProcessorCount=2";
    /** The CPUs the lab lets the server use once it runs. */
    static final String SERVER_CPUS = "0,1";

    /**
     * @param variants       the servers (each with {@code --lab})
     * @param clients        connections, each of which sends {@code compute}s
     * @param computeMillis  the CPU time of one {@code compute}
     * @param offeredCores   the steps: cores' worth of work offered per second, ascending
     * @param warmupMillis   sending before each window
     * @param durationMillis the measured window
     * @param drainMillis    how long to wait for the answers still due (a server that fell behind works off its backlog)
     */
    public record Settings(List<Variant> variants, int clients, int computeMillis, List<Double> offeredCores, long warmupMillis,
                           long durationMillis, long drainMillis) implements Lab.Settings {}

    @Override public String name() { return NAME; }
    @Override public String title() { return "Parallelism"; }
    @Override public int order() { return 50; }
    @Override public LabPage page() { return new ParallelismPage(); }

    @Override
    public String question() {
        return "With CPU-bound requests from many clients on two cores, which models use both cores?";
    }

    /** The servers of the computing part. */
    static List<Variant> variants() {
        return List.of(
                variant("threaded-platform", "threaded-platform"),
                variant("threaded-virtual", "threaded-virtual"),
                variant("evented", "evented"),
                variant("evented --workers 2", "evented", "--workers", "2"));
    }

    private static Variant variant(String label, String model, String... options) {
        List<String> serve = new ArrayList<>(List.of("--lab"));
        serve.addAll(List.of(options));
        return new Variant(label, model, List.of(BOTH_CORES_FLAG), serve);
    }

    @Override
    public Settings settings(Size size, LabOptions options) {
        boolean full = size == Size.FULL;
        List<Double> steps = full ? List.of(0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75) : List.of(0.5, 1.0, 1.5);
        return new Settings(options.keep(variants()), options.cap(20), 10, steps, full ? 3_000 : 2_000,
                options.millis(full ? 10_000 : 5_000), 20_000);
    }

    @Override
    public void run(Settings settings, LabContext context) {
        List<ParallelismPage.Step> steps = new ArrayList<>();
        context.forEach(NAME, settings.variants(), variant -> series(settings, context, variant, steps));
    }

    private static void series(Settings settings, LabContext context, Variant variant, List<ParallelismPage.Step> steps)
            throws IOException {
        SuiteContext harness = context.harness();
        try (ServerHandle server = context.start(variant);
             GeneratorPool pool = harness.pool(server, ConnectPlan.CHAT_PATH, 1)) {
            String cpus = allowCpus(server.pid());
            harness.recorder().say("  [" + NAME + "] " + variant.label() + ": " + cpus);
            SuiteContext.Connected connected = harness.connect(server, pool, settings.clients());
            if (connected.failure() != null) throw new IOException("connections failed: " + connected.failure());
            int run = 0;
            for (double cores : settings.offeredCores()) {
                double perSecond = cores * 1000.0 / settings.computeMillis();
                LoadPlan plan = new LoadPlan(LoadPlan.Kind.WORK, 1, perSecond / connected.target(), settings.warmupMillis(),
                        settings.durationMillis(), 0, settings.drainMillis(), ++run, null,
                        new LoadPlan.Lab(new LoadPlan.Work("compute", settings.computeMillis()), null, 0));
                long machineBefore = ProcReader.machineBusyMillis();
                long wallBefore = System.nanoTime();
                SuiteContext.Measured measured = harness.measure(server, pool, plan);
                double wallSeconds = (System.nanoTime() - wallBefore) / 1e9;
                long machineAfter = ProcReader.machineBusyMillis();
                double machineCores = machineBefore < 0 || machineAfter < 0 ? Double.NaN : (machineAfter - machineBefore) / 1000.0 / wallSeconds;
                LoadResult result = measured.result();
                String failed = SuiteContext.checkLoad(result, measured.death() != null ? measured.death() : server.deathNote());
                if (failed != null) harness.recorder().fail(new Failure(NAME, variant.label(), connected.target(), failed));
                Histogram latency = result.histogram();
                boolean any = latency.getTotalCount() > 0;
                double sampledSeconds = measured.sampledMillis() / 1000.0;
                ParallelismPage.Step step = new ParallelismPage.Step(variant.label(), cores, result.offeredPerSecond(),
                        result.deliveredPerSecond(), settings.computeMillis(),
                        measured.delta().cpuMillis() < 0 || sampledSeconds <= 0 ? Double.NaN : measured.delta().cpuMillis() / 1000.0 / sampledSeconds,
                        sampledSeconds <= 0 ? Double.NaN : measured.generatorCpuMillis() / 1000.0 / sampledSeconds,
                        any ? latency.getValueAtPercentile(50) : -1, any ? latency.getValueAtPercentile(99) : -1,
                        machineCores, Runtime.getRuntime().availableProcessors(), result.sent(), result.delivered(), result.lost());
                steps.add(step);
                ParallelismPage.write(context, steps);
                harness.recorder().say(String.format(Locale.ROOT,
                        "  [%s] %-20s offered %.2f cores: completed %s cores (%s computes/s of %s), server CPU %s cores, p99 %s, generator %s of a core, other work %s cores",
                        NAME, variant.label(), cores, Format.decimal(step.completedCores()), Format.count(step.deliveredPerS()),
                        Format.count(step.offeredPerS()), Format.decimal(step.serverCores()), Format.micros(step.p99Us()),
                        Format.decimal(step.generatorCores()), Format.decimal(step.otherCores())));
                if (measured.death() != null) return;
            }
        }
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
