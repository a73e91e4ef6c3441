package chatlab.bench;

import chatlab.bench.load.ConnectResult;
import chatlab.bench.load.GeneratorPool;
import chatlab.bench.load.LoadPlan;
import chatlab.bench.load.LoadResult;
import chatlab.bench.procfs.KernelMemory;
import chatlab.bench.procfs.NativeMemory;
import chatlab.bench.procfs.ProcReader;
import chatlab.bench.results.Failure;
import chatlab.bench.results.MemoryPart;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.StepDetail;
import chatlab.bench.server.ServerHandle;
import chatlab.bench.server.ServerLauncher;
import chatlab.bench.server.ServerSample;
import chatlab.protocol.server.Implementation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * What every suite needs: a way to start servers, a way to make generators, where the records go,
 * and how connections are spread and paced; plus the pieces of a step the suites share (connect
 * within the server's file limit, measure one load plan, sample memory in parts, record a row and
 * check it).
 *
 * @param launcher             starts a fresh server per suite and implementation
 * @param generators           makes generator n (in this JVM for tests, a child process for real runs)
 * @param recorder             the run's records and progress lines
 * @param runDir               the run's directory (for a suite's own files), or null in tests that keep records in memory
 * @param maxPerGenerator      connections one generator holds at most (its process's file limit bounds it)
 * @param sourceAddresses      local addresses to connect from (null = the kernel's choice)
 * @param perAddress           connections per source address (below one ephemeral-port range)
 * @param maxInFlight          connects in progress at once, per generator
 * @param perConnectionTimeoutMillis a connection not ready this long after it started has failed
 * @param settleMillis         pause after connecting before sampling the server (its GC and JIT settle)
 * @param classModels          a student's classes, run after the implementations by every per-implementation suite
 *                             ({@code class:my.EchoServer}, the exercise track's); usually none
 */
public record SuiteContext(
        ServerLauncher launcher,
        GeneratorPool.Factory generators,
        Recorder recorder,
        Path runDir,
        int maxPerGenerator,
        List<String> sourceAddresses,
        int perAddress,
        int maxInFlight,
        long perConnectionTimeoutMillis,
        long settleMillis,
        List<String> classModels) {

    /** Without a student's classes. */
    public SuiteContext(ServerLauncher launcher, GeneratorPool.Factory generators, Recorder recorder, Path runDir, int maxPerGenerator,
                        List<String> sourceAddresses, int perAddress, int maxInFlight, long perConnectionTimeoutMillis, long settleMillis) {
        this(launcher, generators, recorder, runDir, maxPerGenerator, sourceAddresses, perAddress, maxInFlight,
                perConnectionTimeoutMillis, settleMillis, List.of());
    }

    /**
     * Files a server keeps free beyond its connections: the harness's own {@code /stats} requests,
     * and whatever the server opens late (a class from a jar, a log). A step never asks for these.
     */
    public static final int FILE_RESERVE = 32;
    /** How a step's note starts when the server's open-file limit ended the series. */
    public static final String FILE_LIMIT_NOTE = "stopped at the server's file limit";
    /** Where an open-ended step stops when the server's file limit cannot be read (no {@code /proc}). */
    public static final int FALLBACK_MAX_CONNECTIONS = 19_800;

    /** One implementation's part of a suite, by the name its server is started with. */
    @FunctionalInterface
    public interface PerImplementation {
        void run(String model) throws IOException;
    }

    /**
     * Runs {@code body} for each implementation, then for each of {@link #classModels}; one that
     * throws is recorded as a failure of {@code suite} (it could not be measured) and the next one runs.
     */
    public void forEach(String suite, List<Implementation> impls, PerImplementation body) {
        List<String> models = new java.util.ArrayList<>(impls.stream().map(Implementation::id).toList());
        models.addAll(classModels);
        for (String model : models) {
            try {
                body.run(model);
            } catch (IOException | RuntimeException e) {
                recorder.fail(new Failure(suite, model, -1, "could not run: " + e.getMessage()));
            }
        }
    }

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
     * One load plan's outcome, with the server sampled just before and after.
     *
     * @param delta        the server's counters over the plan (CPU, switches, GC pauses, 1008 closes) and its levels after it
     * @param generatorCpuMillis what the generators spent meanwhile (near the wall time: they set the pace)
     * @param sampledMillis the wall time between the two samples, over which the CPU times were taken
     * @param death        null, or what is known of why the server is gone
     */
    public record Measured(LoadResult result, ServerSample delta, long generatorCpuMillis, long sampledMillis, String death) {

        /** A step that could not be measured: the row records its connections and why it stopped. */
        public static Measured none() {
            return new Measured(LoadResult.empty(), ServerSample.none(), 0, -1, null);
        }
    }

    /** Lets the server settle, then runs {@code plan} on every generator. */
    public Measured measure(ServerHandle server, GeneratorPool pool, LoadPlan plan) throws IOException {
        settle();
        ServerSample before = ServerSample.of(server);
        long start = System.nanoTime();
        long generatorCpu = pool.generatorCpuMillis();
        LoadResult result = pool.load(plan);
        generatorCpu = pool.generatorCpuMillis() - generatorCpu;
        String death = server.deathNote();
        ServerSample after = death == null ? ServerSample.of(server) : ServerSample.none();
        long sampled = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        return new Measured(result, after.since(before), generatorCpu, sampled, death);
    }

    /**
     * Records a step of a load suite (a row of {@code data.csv} with the live heap after it, its
     * details, the progress line {@code progress} makes of the row) and checks it: a duplicate, an
     * error answer, a loss that no slow-consumer close (1008) explains, or a dead server fails the
     * run. A step whose connections failed is recorded with {@link Measured#none()}.
     */
    public ResultRow recordLoadStep(String suite, ServerHandle server, GeneratorPool pool, Connected connected, Measured measured,
                                    String note, Function<ResultRow, String> progress) throws IOException {
        LoadResult result = measured.result();
        ServerSample delta = measured.delta();
        Histogram latency = result.histogram();
        Histogram connect = connected.result().histogram();
        boolean any = latency.getTotalCount() > 0;
        long errors = result.totalErrors() + connected.result().failed();
        long heapLive = measured.death() == null ? heapLiveAfterFullGc(server) : -1;
        boolean sent = result.sent() > 0;
        ResultRow row = new ResultRow(suite, server.model(), pool.open(), connected.target(), delta.rssBytes(),
                delta.heapUsedBytes(), heapLive, delta.threads(), delta.cpuMillis(), delta.ctxVoluntary(), delta.ctxInvoluntary(),
                delta.usageSource(), delta.gcPauseMillis(), connect.getTotalCount() > 0 ? connect.getValueAtPercentile(99) : -1,
                any ? latency.getValueAtPercentile(50) : -1, any ? latency.getValueAtPercentile(99) : -1,
                any ? latency.getValueAtPercentile(99.9) : -1, any ? latency.getMaxValue() : -1,
                result.sent(), result.delivered(), sent ? result.offeredPerSecond() : Double.NaN,
                sent ? result.deliveredPerSecond() : Double.NaN, errors);
        ProcReader.Sockstat sockstat = ProcReader.sockstat();
        StepDetail detail = new StepDetail(suite, server.model(), row.connections(), row.clients(), sockstat.tcpMemBytes(),
                sockstat.tcpInUse(), sockstat.tcpTimeWait(), delta.connections(), result.measuredMillis(),
                measured.generatorCpuMillis(), measured.sampledMillis(), delta.slowConsumerCloses(),
                note.isEmpty() && result.firstError() != null ? result.firstError() : note);
        recorder.record(row, detail, progress.apply(row));
        String failed = checkLoad(result, measured.death() != null ? measured.death() : server.deathNote());
        if (failed != null) recorder.fail(new Failure(suite, server.model(), row.clients(), failed));
        return row;
    }

    /**
     * Why a measured load step fails the run, or null when it does not: a step may end a series
     * (p99 over its threshold, a server falling behind and cutting off slow consumers with 1008, as
     * PROTOCOL.md says it must) without being wrong; duplicates, error answers, losses without a
     * 1008 close, and a dead server are wrong.
     */
    public static String checkLoad(LoadResult result, String death) {
        if (death != null) return "the server died: " + death;
        if (result.duplicates() > 0) return result.duplicates() + " deliveries duplicated; first: " + result.firstError();
        long otherErrors = result.errors() - result.closedAsSlow();
        if (otherErrors > 0) return otherErrors + " errors (error answers or dropped connections); first: " + result.firstError();
        if (result.lost() > 0 && result.closedAsSlow() == 0) {
            return result.lost() + " deliveries lost without any slow-consumer close (1008) to explain them";
        }
        return null;
    }

    /**
     * The memory of a step in parts ({@link MemoryPart}): the live heap after a full GC
     * ({@code /stats?gc=1}), the JVM's Native Memory Tracking categories (JVM servers started with
     * it), and the kernel's memory. Run after the step's other figures were taken: the full GC
     * changes what it collects.
     *
     * @return the live heap, or -1
     */
    public long recordMemoryParts(String suite, ServerHandle server, long connections) throws IOException {
        Map<String, Long> parts = new LinkedHashMap<>();
        long heapLive = heapLiveAfterFullGc(server);
        if (heapLive >= 0) parts.put(MemoryPart.HEAP_LIVE, heapLive);
        Implementation impl = server.implementation();
        boolean jvm = impl != null ? impl.jvm() : classModels.contains(server.model()); // a student's class runs in serve's JVM
        if (jvm && ProcReader.available()) {
            try {
                parts.putAll(NativeMemory.read(Path.of(System.getProperty("java.home")), server.pid()));
            } catch (IOException e) {
                recorder.say("  (no native memory figures for " + server.model() + ": " + e.getMessage() + ")");
            }
        }
        parts.putAll(KernelMemory.read());
        recorder.memory(suite, server.model(), connections, parts);
        return heapLive;
    }

    /** The server's live heap ({@code /stats?gc=1}), or -1 when it does not report one. */
    public static long heapLiveAfterFullGc(ServerHandle server) {
        try {
            return server.statsAfterFullGc().path("heapLiveBytes").asLong(-1);
        } catch (IOException e) {
            return -1;
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
