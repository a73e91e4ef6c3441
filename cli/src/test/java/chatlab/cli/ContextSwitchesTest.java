package chatlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.bench.Recorder;
import chatlab.bench.SuiteContext;
import chatlab.bench.load.ConnectPlan;
import chatlab.bench.load.GeneratorPool;
import chatlab.bench.load.LoadGenerator;
import chatlab.bench.load.LoadPlan;
import chatlab.bench.load.LoadResult;
import chatlab.bench.procfs.ProcReader;
import chatlab.bench.procfs.ProcSample;
import chatlab.bench.results.ResultRow;
import chatlab.bench.server.ServerSample;
import chatlab.bench.server.SpawnedServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the harness counts as a server's context switches, on real server processes. A
 * thread-per-connection server's writer threads end a second after their last message; summing
 * the live threads of {@code /proc/PID/task} then forgets every switch they made, while the
 * server's own {@code getrusage} (in {@code /stats}) keeps them. Where a server cannot call
 * {@code getrusage} (the JDK 21 class of the Multi-Release jar) the harness falls back to
 * {@code /proc} and marks the figure so.
 */
class ContextSwitchesTest {

    @TempDir
    Path logs;

    private SpawnedServer start(String model, String... jvmFlags) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        command.addAll(List.of(jvmFlags));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ChatlabCommand.class.getName(),
                "serve", "--host", "127.0.0.1", "--port", "0", "--model"));
        return new SpawnedServer(model, command, logs.resolve(model + ".log"), Duration.ofSeconds(60));
    }

    private static SuiteContext context() {
        return new SuiteContext(null, n -> new LoadGenerator("switches-generator-" + n),
                new Recorder(null, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)), null, 10_000,
                Arrays.asList((String) null), 10_000, 20, 15_000, 0);
    }

    @Test
    @Timeout(120)
    void switchesOfEndedWriterThreadsAreKept() throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() >= 22 && ProcReader.available(), "getrusage needs JDK 22+ and /proc");
        SuiteContext context = context();
        try (SpawnedServer server = start("threaded-platform");
             GeneratorPool pool = context.pool(server, ConnectPlan.CHAT_PATH, 20)) {
            // Once the writers the joins woke have ended: the 20 readers, and a few threads the JVM starts when it needs them.
            int settled = ProcReader.sample(server.pid()).threads() + 20 + 3;
            assertEquals(20, pool.connectTo(20).opened());
            awaitThreadsAtMost(server, settled);
            ServerSample before = ServerSample.of(server);
            ProcSample liveBefore = ProcReader.sample(server.pid());

            LoadResult result = pool.load(new LoadPlan(LoadPlan.Kind.BROADCAST, 1, 5, 0, 600, 16, 5_000, 1));
            assertEquals(0, result.totalErrors(), result::describeFaults);
            awaitThreadsAtMost(server, settled); // the writers the load started have ended
            ServerSample after = ServerSample.of(server);
            ProcSample liveAfter = ProcReader.sample(server.pid());

            assertEquals(ResultRow.GETRUSAGE, after.usageSource());
            long counted = after.ctxVoluntary() - before.ctxVoluntary();
            long live = liveAfter.ctxVoluntary() - liveBefore.ctxVoluntary();
            // Each of the (at least 17) ended writers parked at least once per message it waited for: gone from the live threads.
            assertTrue(counted >= live + 20, "getrusage counted " + counted + " voluntary switches over the load, the live"
                    + " threads of /proc only " + live + ": the ended writers' switches are in the first figure only");
        }
    }

    /** Waits (polling /proc against a deadline: a thread's end has no event to wait on from outside) until the server runs at most {@code threads}. */
    private static void awaitThreadsAtMost(SpawnedServer server, int threads) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int now = ProcReader.sample(server.pid()).threads();
        while (now > threads) {
            assertTrue(System.nanoTime() < deadline, "still " + now + " threads, expected at most " + threads);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            now = ProcReader.sample(server.pid()).threads();
        }
    }

    @Test
    @Timeout(120)
    void aServerWithoutGetrusageIsMeasuredFromProcAndMarkedSo() throws Exception {
        Assumptions.assumeTrue(ProcReader.available(), "the fallback reads /proc");
        // The base classes of the Multi-Release jar, as a JDK 21 loads them: ProcessUsage reports -1.
        try (SpawnedServer server = start("threaded-virtual", "-Djdk.util.jar.enableMultiRelease=false")) {
            assertEquals(-1, server.stats().path("cpuMillis").asLong());
            ServerSample sample = ServerSample.of(server);
            assertEquals(ResultRow.PROC_LIVE_THREADS, sample.usageSource());
            assertTrue(sample.cpuMillis() > 0 && sample.ctxVoluntary() > 0, sample.toString());
        }
    }
}
