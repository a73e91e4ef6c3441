package chatlab.bench.flood;

import chatlab.bench.Format;
import chatlab.bench.Overrides;
import chatlab.bench.Profile;
import chatlab.bench.Steps;
import chatlab.bench.Suite;
import chatlab.bench.SuiteContext;
import chatlab.bench.load.ConnectPlan;
import chatlab.bench.load.ConnectResult;
import chatlab.bench.load.GeneratorPool;
import chatlab.bench.procfs.ProcReader;
import chatlab.bench.results.Failure;
import chatlab.bench.results.ReportSection;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.StepDetail;
import chatlab.bench.server.ServerHandle;
import chatlab.bench.server.ServerSample;
import chatlab.protocol.server.Implementation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The connection flood: idle WebSocket connections, each joined to a room, opened in steps. The
 * question: what does one more idle connection cost under each model? After each step the server
 * is sampled as a user would see it (RSS, threads, from {@code /proc}), then asked for a full GC
 * ({@code /stats?gc=1}, the live heap), its Native Memory Tracking categories (JVM servers) and the
 * kernel's memory, so the report can say where a connection's bytes go.
 *
 * <p>A step where connections fail ends the series with the failure's description (the server's
 * limit: threads, memory). The server's file limit, which every model meets near 20,000
 * connections here, is read from {@code /proc} before each step: a step that would pass it opens as
 * many connections as the process has files for, says so, and ends the series.
 */
public final class FloodSuite implements Suite<FloodSuite.Settings> {

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

    @Override public String name() { return NAME; }
    @Override public String description() { return "idle connections in steps up to the file limit: memory (in parts) and threads per connection"; }
    @Override public int order() { return 10; }
    @Override public boolean inQuick() { return true; }
    @Override public ReportSection section() { return new FloodSection(); }

    @Override
    public Settings settings(Profile profile, Overrides overrides) {
        boolean quick = profile == Profile.QUICK;
        boolean toFileLimit = overrides.maxConnections() == null && !quick;
        int max = overrides.maxConnections() != null ? overrides.maxConnections() : quick ? 2000 : Integer.MAX_VALUE;
        List<Integer> steps = quick ? List.of(250, 500, 1000, 2000) : List.of(1000, 2000, 5000, 10000, 15000, 19000);
        return new Settings(Steps.capped(steps, max, !toFileLimit), 20, toFileLimit);
    }

    @Override
    public void run(Settings settings, SuiteContext context, List<Implementation> impls) {
        context.forEach(NAME, impls, model -> {
            try (ServerHandle server = context.launcher().start(model)) {
                idleSteps(context, NAME, settings, server, StepHook.NONE);
            }
        });
    }

    /** What a caller adds to each step's figures (a lab's heap histogram), after the flood's own. */
    @FunctionalInterface
    public interface StepHook {
        StepHook NONE = (server, connections) -> { };

        void after(ServerHandle server, int connections) throws IOException;
    }

    /**
     * The flood's steps against a running server, recorded as rows of {@code suite}: a baseline
     * before the first connection, then each step's connections, held open and idle, with the
     * server's figures and memory parts; {@code hook} runs after each. Other suites and labs that
     * ask what an idle connection costs step through this same code.
     */
    public static void idleSteps(SuiteContext context, String suite, Settings settings, ServerHandle server, StepHook hook)
            throws IOException {
        new Series(context, settings, suite, hook).run(server);
    }

    /** One implementation's flood. */
    private record Series(SuiteContext context, Settings settings, String suite, StepHook hook) {

        void run(ServerHandle server) throws IOException {
            String model = server.model();
            try (GeneratorPool pool = context.pool(server, ConnectPlan.CHAT_PATH, settings.roomSize())) {
                context.settle();
                ServerSample before = ServerSample.of(server);
                record(server, 0, 0, before, before, ConnectResult.empty(), 0, 0, "");
                before = ServerSample.of(server); // after the baseline's full GC, which is not the first step's
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
                    ServerSample after = death == null ? ServerSample.of(server) : ServerSample.none();
                    long afterNanos = System.nanoTime();
                    int open = pool.open();
                    String note = death != null ? "stopped: " + death
                            : connected.failure() != null ? "stopped at " + open + " open connections: " + connected.failure()
                            : connected.limit() != null ? connected.limit() : "";
                    record(server, open, connected.target(), after, before, connected.result(), generatorCpu,
                            TimeUnit.NANOSECONDS.toMillis(afterNanos - beforeNanos), note);
                    if (death != null) context.recorder().fail(new Failure(suite, model, open, "the server died: " + death));
                    if (!note.isEmpty()) {
                        context.recorder().say("  " + model + " " + note);
                        return;
                    }
                    before = ServerSample.of(server);
                    beforeNanos = System.nanoTime();
                }
            }
        }

        /** A step's row, its memory parts (taken after its other figures: they start with a full GC) and its details. */
        private void record(ServerHandle server, int open, int step, ServerSample after, ServerSample before, ConnectResult connected,
                            long generatorCpu, long sampledMillis, String note) throws IOException {
            long heapLive = server.deathNote() == null ? context.recordMemoryParts(suite, server, open) : -1;
            if (server.deathNote() == null) hook.after(server, open);
            ServerSample delta = after.since(before);
            Histogram latency = connected.histogram();
            boolean any = latency.getTotalCount() > 0;
            double perSecond = connected.elapsedMillis() > 0 ? connected.opened() * 1000.0 / connected.elapsedMillis() : Double.NaN;
            ResultRow row = new ResultRow(suite, server.model(), open, step, delta.rssBytes(), delta.heapUsedBytes(), heapLive,
                    delta.threads(), delta.cpuMillis(), delta.ctxVoluntary(), delta.ctxInvoluntary(), delta.usageSource(),
                    delta.gcPauseMillis(), any ? latency.getValueAtPercentile(99) : -1, any ? latency.getValueAtPercentile(50) : -1,
                    any ? latency.getValueAtPercentile(99) : -1, any ? latency.getValueAtPercentile(99.9) : -1,
                    any ? latency.getMaxValue() : -1, connected.requested(), connected.opened(), Double.NaN, perSecond, connected.failed());
            ProcReader.Sockstat sockstat = ProcReader.sockstat();
            StepDetail detail = new StepDetail(suite, server.model(), open, step, sockstat.tcpMemBytes(), sockstat.tcpInUse(),
                    sockstat.tcpTimeWait(), delta.connections(), connected.elapsedMillis(), generatorCpu, sampledMillis,
                    delta.slowConsumerCloses(), note);
            context.recorder().record(row, detail, String.format(Locale.ROOT,
                    "[" + suite + "] %-17s %,7d conns  rss %10s  live heap %10s  threads %,6d  connect p99 %9s  failed %d",
                    server.model(), open, Format.bytes(delta.rssBytes()), Format.bytes(heapLive), delta.threads(),
                    Format.micros(row.connectP99Us()), connected.failed()));
        }
    }
}
