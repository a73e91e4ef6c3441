package chatlab.bench;

import chatlab.bench.load.ConnectResult;
import chatlab.bench.load.GeneratorPool;
import chatlab.bench.load.LoadPlan;
import chatlab.bench.load.LoadResult;
import chatlab.bench.procfs.ProcReader;
import chatlab.bench.procfs.ProcSample;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.StepDetail;
import chatlab.bench.server.ServerHandle;
import chatlab.bench.server.ServerLauncher;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * What every suite needs: a way to start servers, a way to make generators, where the rows go,
 * and how connections are spread and paced; plus the pieces of a step the suites share
 * (connect within the server's file limit, measure one load plan, record a row).
 *
 * @param launcher             starts a fresh server per suite and implementation
 * @param generators           makes generator n (in this JVM for tests, a child process for real runs)
 * @param recorder             the run's rows and progress lines
 * @param maxPerGenerator      connections one generator holds at most (its process's file limit bounds it)
 * @param sourceAddresses      local addresses to connect from (null = the kernel's choice)
 * @param perAddress           connections per source address (below one ephemeral-port range)
 * @param maxInFlight          connects in progress at once, per generator
 * @param perConnectionTimeoutMillis a connection not ready this long after it started has failed
 * @param settleMillis         pause after connecting before sampling the server (its GC and JIT settle)
 */
public record SuiteContext(
        ServerLauncher launcher,
        GeneratorPool.Factory generators,
        Recorder recorder,
        int maxPerGenerator,
        List<String> sourceAddresses,
        int perAddress,
        int maxInFlight,
        long perConnectionTimeoutMillis,
        long settleMillis) {

    /**
     * Files a server keeps free beyond its connections: the harness's own {@code /stats} requests,
     * and whatever the server opens late (a class from a jar, a log). A step never asks for these.
     */
    public static final int FILE_RESERVE = 32;
    /** How a step's note starts when the server's open-file limit ended the series. */
    public static final String FILE_LIMIT_NOTE = "stopped at the server's file limit";
    /** Where an open-ended step stops when the server's file limit cannot be read (no {@code /proc}). */
    public static final int FALLBACK_MAX_CONNECTIONS = 19_800;

    public GeneratorPool pool(ServerHandle server, String path, int roomSize) {
        var connecting = new GeneratorPool.Connecting(server.address().getHostString(), server.address().getPort(), path,
                roomSize, maxInFlight, perConnectionTimeoutMillis, 30_000, 50_000, Math.max(50, maxInFlight));
        return new GeneratorPool(generators, connecting, maxPerGenerator, sourceAddresses, perAddress);
    }

    /**
     * A step's connections.
     *
     * @param target  the connections the step asked for: the suite's N, or fewer at the server's file limit
     * @param result  how the new ones fared
     * @param limit   null, or why {@code target} is below N (the series ends after this step)
     * @param failure null, or why the step cannot be measured (connections failed, the server died)
     */
    public record Connected(int target, ConnectResult result, String limit, String failure) {

        /** At a limit with nothing left to open: the step would only repeat the last one. */
        public boolean nothingToAdd() { return limit != null && result.requested() == 0; }
    }

    /**
     * Opens connections until {@code wanted} have been attempted, or, when the server's process
     * would run out of files first, as many as it has files for: a server at its file limit fails
     * {@code accept()} with {@code EMFILE} and its clients time out, so the harness stops short of
     * it and says so instead of reporting timeouts.
     */
    public Connected connect(ServerHandle server, GeneratorPool pool, int wanted) throws IOException {
        int attempted = pool.attempted();
        String death = server.deathNote();
        if (death != null) return new Connected(attempted, ConnectResult.empty(), null, death);
        int target = wanted;
        String limit = null;
        if (ProcReader.available()) {
            ProcReader.FileUse files;
            try {
                files = ProcReader.fileUse(server.pid());
            } catch (IOException e) {
                death = server.deathNote();
                return new Connected(attempted, ConnectResult.empty(), null,
                        death != null ? death : "cannot read the server's open files: " + e.getMessage());
            }
            long fits = attempted + Math.max(0, files.free() - FILE_RESERVE);
            if (fits < target) {
                target = (int) fits;
                limit = String.format(Locale.ROOT, FILE_LIMIT_NOTE + ": %,d open files per process, %,d of them its own, %,d kept free for /stats",
                        files.limit(), files.open() - attempted, FILE_RESERVE);
            }
        } else if (target > FALLBACK_MAX_CONNECTIONS) {
            target = FALLBACK_MAX_CONNECTIONS;
            limit = "stopped at " + FALLBACK_MAX_CONNECTIONS + ": the server's file limit cannot be read here (no /proc)";
        }
        if (target > pool.capacity()) {
            // A machine whose file limit is far above this one's: the generators' source ports run out first.
            target = pool.capacity();
            limit = String.format(Locale.ROOT, "stopped at the generators' capacity: %d source addresses of %,d connections each",
                    sourceAddresses.size(), perAddress);
        }
        ConnectResult result = pool.connectTo(target);
        String failure = server.deathNote();
        if (failure == null && result.failed() > 0) {
            failure = result.failed() + " of " + result.requested() + " connections failed, first: " + result.firstFailure();
        }
        return new Connected(Math.max(target, attempted), result, limit, failure);
    }

    /**
     * One load plan's outcome, with the server sampled from {@code /proc} just before and after.
     *
     * @param delta        the server's counters over the plan (CPU, context switches) and its levels after it
     * @param generatorCpuMillis what the generators spent meanwhile (near the wall time: they set the pace)
     * @param sampledMillis the wall time between the two samples, over which the CPU times were taken
     * @param death        null, or what is known of why the server is gone
     */
    public record Measured(LoadResult result, ProcSample delta, long generatorCpuMillis, long sampledMillis, String death) {}

    /** Lets the server settle, then runs {@code plan} on every generator. */
    public Measured measure(ServerHandle server, GeneratorPool pool, LoadPlan plan) throws IOException {
        settle();
        ProcSample before = sample(server);
        long start = System.nanoTime();
        long generatorCpu = pool.generatorCpuMillis();
        LoadResult result = pool.load(plan);
        generatorCpu = pool.generatorCpuMillis() - generatorCpu;
        String death = server.deathNote();
        ProcSample after = death == null ? sample(server) : before;
        long sampled = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        return new Measured(result, after.since(before), generatorCpu, sampled, death);
    }

    /**
     * Records a step of a load suite (broadcast, echo): a row of {@code data.csv}, its details, and
     * the progress line {@code progress} makes of the row.
     */
    public void recordLoadStep(String suite, ServerHandle server, GeneratorPool pool, Connected connected, Measured measured,
                               double offeredPerS, String note, Function<ResultRow, String> progress) throws IOException {
        JsonNode stats = statsOrEmpty(server);
        LoadResult result = measured.result();
        ProcSample delta = measured.delta();
        Histogram latency = result.histogram();
        Histogram connect = connected.result().histogram();
        boolean any = latency.getTotalCount() > 0;
        long errors = result.totalErrors() + connected.result().failed();
        ResultRow row = new ResultRow(suite, server.model(), pool.open(), connected.target(), delta.rssBytes(),
                stats.path("heapUsedBytes").asLong(-1), delta.threads(), delta.cpuMillis(), delta.ctxVoluntary(),
                delta.ctxInvoluntary(), connect.getTotalCount() > 0 ? connect.getValueAtPercentile(99) : 0,
                any ? latency.getValueAtPercentile(50) : 0, any ? latency.getValueAtPercentile(99) : 0,
                any ? latency.getValueAtPercentile(99.9) : 0, any ? latency.getMaxValue() : 0,
                result.sent(), result.delivered(), result.deliveredPerSecond(), errors);
        ProcReader.Sockstat sockstat = ProcReader.sockstat();
        StepDetail detail = new StepDetail(suite, server.model(), row.connections(), row.clients(), sockstat.tcpMemBytes(),
                sockstat.tcpInUse(), sockstat.tcpTimeWait(), stats.path("connections").asLong(-1), offeredPerS,
                result.measuredMillis(), measured.generatorCpuMillis(),
                note.isEmpty() && result.firstError() != null ? result.firstError() : note, measured.sampledMillis());
        recorder.record(row, detail, progress.apply(row));
    }

    /** A step that could not be measured: the row records its connections and why it stopped. */
    public static Measured unmeasured() {
        return new Measured(LoadResult.empty(), new ProcSample(0, -1, -1, 0, 0, 0), 0, -1, null);
    }

    /** The server process's figures, from /proc when there is one, else from its /stats. */
    public static ProcSample sample(ServerHandle server) throws IOException {
        if (ProcReader.available()) return ProcReader.sample(server.pid());
        JsonNode stats = server.stats();
        return new ProcSample(server.pid(), stats.path("rssBytes").asLong(-1), stats.path("threads").asInt(-1), 0, 0, 0);
    }

    /** The server's /stats, or an empty object when it does not answer (the row still gets written). */
    public static JsonNode statsOrEmpty(ServerHandle server) {
        try {
            return server.stats();
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    public void settle() {
        if (settleMillis <= 0) return;
        try {
            Thread.sleep(settleMillis); // a measurement pause, not a wait for a condition
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
