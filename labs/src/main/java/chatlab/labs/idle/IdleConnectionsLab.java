package chatlab.labs.idle;

import chatlab.bench.Format;
import chatlab.bench.SuiteContext;
import chatlab.bench.load.ConnectPlan;
import chatlab.bench.load.GeneratorPool;
import chatlab.bench.procfs.ProcReader;
import chatlab.bench.results.Csv;
import chatlab.bench.results.Failure;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.StepDetail;
import chatlab.bench.server.ServerHandle;
import chatlab.bench.server.ServerSample;
import chatlab.labs.Lab;
import chatlab.labs.LabContext;
import chatlab.labs.LabCsv;
import chatlab.labs.LabOptions;
import chatlab.labs.LabPage;
import chatlab.labs.Size;
import chatlab.labs.Variant;
import chatlab.protocol.server.Implementation;
import chatlab.protocol.server.ServerConfig;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What idle connections cost while they stay idle: the lecture's "idle threads". Each server is
 * watched twice for a while, sampled every few seconds from outside: first with no connection (its
 * own background: GC, JIT, timers), then holding many connected clients that joined a room and say
 * nothing. The difference, per second and per thousand connections, is what idling costs in CPU
 * time and in wake-ups (context switches, from the server's own {@code getrusage}); threads and
 * memory show what it costs to hold them. The idle window outlasts the server's idle interval, so
 * the keep-alive pings to silent connections are in it too.
 */
public final class IdleConnectionsLab implements Lab<IdleConnectionsLab.Settings> {

    public static final String NAME = "idle-connections";
    public static final String SAMPLES = "idle.csv";
    public static final String BASELINE = "baseline";
    public static final String IDLE = "idle";
    static final List<String> SAMPLE_COLUMNS = List.of("impl", "phase", "connections", "t_ms", "rss_bytes", "threads",
            "heap_used_bytes", "cpu_ms", "ctx_voluntary", "ctx_involuntary", "usage_source", "ping_free_until_ms");

    /**
     * @param variants          the servers, in order
     * @param connections       idle connections held
     * @param roomSize          members per room (each connection joins one, then says nothing)
     * @param baselineMillis    how long each server is watched with no connection
     * @param idleMillis        how long it is watched holding the idle connections
     * @param sampleEveryMillis the sampling period of both windows
     * @param idleIntervalMillis the servers' idle interval (serve's default: a silent connection is pinged after it), for the record
     */
    public record Settings(List<Variant> variants, int connections, int roomSize, long baselineMillis, long idleMillis,
                           long sampleEveryMillis, long idleIntervalMillis) implements Lab.Settings {}

    @Override public String name() { return NAME; }
    @Override public String title() { return "Idle connections"; }
    @Override public int order() { return 70; }
    @Override public LabPage page() { return new IdleConnectionsPage(); }

    @Override
    public String question() {
        return "What do connections that say nothing cost each model while they idle: threads, memory, CPU time and wake-ups?";
    }

    @Override
    public Settings settings(Size size, LabOptions options) {
        boolean full = size == Size.FULL;
        List<Variant> variants = Variant.of(full ? Implementation.ids() : Implementation.coreIds());
        return new Settings(options.keep(variants), options.cap(full ? 5000 : 2000), 20, full ? 20_000 : 10_000,
                options.millis(full ? 95_000 : 40_000), 2_000, ServerConfig.DEFAULT_IDLE_INTERVAL.toMillis());
    }

    @Override
    public void run(Settings settings, LabContext context) {
        LabCsv samples = new LabCsv(context.file(SAMPLES), SAMPLE_COLUMNS);
        context.forEach(NAME, settings.variants(), variant -> watch(settings, context, samples, variant));
    }

    private static void watch(Settings settings, LabContext context, LabCsv samples, Variant variant) throws IOException {
        SuiteContext harness = context.harness();
        try (ServerHandle server = context.start(variant);
             GeneratorPool pool = harness.pool(server, ConnectPlan.CHAT_PATH, settings.roomSize())) {
            harness.settle();
            Window baseline = sample(server, samples, BASELINE, 0, settings, System.nanoTime(), -1);
            long heapLive = harness.recordMemoryParts(NAME, server, 0);
            record(context, server, 0, 0, baseline, heapLive, "");
            long connectStart = System.nanoTime();
            SuiteContext.Connected connected = harness.connect(server, pool, settings.connections());
            if (connected.failure() != null) {
                context.recorder().fail(new Failure(NAME, server.model(), pool.open(), "could not hold the connections: " + connected.failure()));
                return;
            }
            harness.settle();
            int open = pool.open();
            long idleStart = System.nanoTime();
            // No connection can have been silent for the idle interval before this: the first joined after connectStart.
            long pingFreeUntil = settings.idleIntervalMillis() - TimeUnit.NANOSECONDS.toMillis(idleStart - connectStart);
            Window idle = sample(server, samples, IDLE, open, settings, idleStart, pingFreeUntil);
            String death = server.deathNote();
            heapLive = death == null ? harness.recordMemoryParts(NAME, server, open) : -1;
            String note = death != null ? "stopped: " + death : connected.limit() != null ? connected.limit() : "";
            if (pool.open() < open) note = (note.isEmpty() ? "" : note + "; ") + (open - pool.open()) + " connections closed while idle";
            record(context, server, open, connected.target(), idle, heapLive, note);
            if (death != null) context.recorder().fail(new Failure(NAME, server.model(), open, "the server died: " + death));
        }
    }

    /** A watched window: its first and last samples, and the time between them. */
    private record Window(ServerSample first, ServerSample last, long millis) {}

    /**
     * Samples the server every period for the window from {@code start}, each sample a line of {@value #SAMPLES}.
     *
     * @param pingFreeUntil ms after {@code start} before which the server cannot have pinged a connection for silence (-1: no connections)
     */
    private static Window sample(ServerHandle server, LabCsv samples, String phase, int connections, Settings settings, long start,
                                 long pingFreeUntil) throws IOException {
        long period = TimeUnit.MILLISECONDS.toNanos(settings.sampleEveryMillis());
        long end = start + TimeUnit.MILLISECONDS.toNanos(phase.equals(BASELINE) ? settings.baselineMillis() : settings.idleMillis());
        ServerSample first = null;
        ServerSample last = null;
        long firstNanos = 0;
        long lastNanos = 0;
        for (long next = start; next - end <= 0; next += period) {
            LockSupport.parkNanos(next - System.nanoTime()); // the sampling clock: nothing to wait for but time
            if (server.deathNote() != null) break;
            last = ServerSample.of(server);
            lastNanos = System.nanoTime();
            if (first == null) {
                first = last;
                firstNanos = lastNanos;
            }
            samples.add(List.of(server.model(), phase, Csv.cell(connections), Csv.cell(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)),
                    Csv.cell(last.rssBytes()), Csv.cell(last.threads()), Csv.cell(last.heapUsedBytes()), Csv.cell(last.cpuMillis()),
                    Csv.cell(last.ctxVoluntary()), Csv.cell(last.ctxInvoluntary()), last.usageSource(),
                    pingFreeUntil < 0 ? "" : Long.toString(pingFreeUntil)));
        }
        if (first == null) throw new IOException(server.model() + " could not be sampled: " + server.deathNote());
        return new Window(first, last, TimeUnit.NANOSECONDS.toMillis(lastNanos - firstNanos));
    }

    /** A window as a row of {@code data.csv}: the levels at its end, the counters over it. */
    private static void record(LabContext context, ServerHandle server, int open, int asked, Window window, long heapLive,
                               String note) throws IOException {
        ServerSample delta = window.last().since(window.first());
        ResultRow row = new ResultRow(NAME, server.model(), open, asked, delta.rssBytes(), delta.heapUsedBytes(), heapLive, delta.threads(),
                delta.cpuMillis(), delta.ctxVoluntary(), delta.ctxInvoluntary(), delta.usageSource(), delta.gcPauseMillis(), -1, -1, -1, -1,
                -1, 0, 0, Double.NaN, Double.NaN, 0);
        ProcReader.Sockstat sockstat = ProcReader.sockstat();
        StepDetail detail = new StepDetail(NAME, server.model(), open, asked, sockstat.tcpMemBytes(), sockstat.tcpInUse(),
                sockstat.tcpTimeWait(), delta.connections(), window.millis(), -1, window.millis(), delta.slowConsumerCloses(), note);
        context.recorder().record(row, detail, String.format(Locale.ROOT,
                "[%s] %-17s %,6d idle conns  threads %,6d  rss %10s  cpu %,6d ms  switches %,8d (voluntary %,d)",
                NAME, server.model(), open, delta.threads(), Format.bytes(delta.rssBytes()), delta.cpuMillis(), row.ctxTotal(),
                delta.ctxVoluntary()));
    }
}
