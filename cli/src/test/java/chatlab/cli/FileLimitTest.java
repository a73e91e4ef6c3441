package chatlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.bench.Recorder;
import chatlab.bench.SuiteContext;
import chatlab.bench.flood.FloodSuite;
import chatlab.bench.load.ConnectPlan;
import chatlab.bench.load.ConnectResult;
import chatlab.bench.load.GeneratorPool;
import chatlab.bench.load.LoadGenerator;
import chatlab.bench.load.LoadPlan;
import chatlab.bench.load.LoadResult;
import chatlab.bench.procfs.ProcReader;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.StepDetail;
import chatlab.bench.server.SpawnedServer;
import chatlab.protocol.server.Implementation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The wall every model meets near 20,000 connections on this machine, the process's open-file
 * limit, shown on real server processes started with a small one: the harness stops short of it
 * with a message that names it, and a server pushed past it anyway refuses what it cannot accept,
 * counts it, and goes on serving the connections it has.
 */
class FileLimitTest {

    private static final int FILE_LIMIT = 320;

    @TempDir
    Path logs;

    private SpawnedServer start(String model) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of("sh", "-c", "ulimit -n " + FILE_LIMIT + " && exec \"$@\"", "sh",
                java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), ChatlabCommand.class.getName(),
                "serve", "--host", "127.0.0.1", "--port", "0", "--model");
        return new SpawnedServer(model, command, logs.resolve(model + ".log"), Duration.ofSeconds(60));
    }

    private SuiteContext context(Recorder recorder) {
        return new SuiteContext(this::start, n -> new LoadGenerator("limit-generator-" + n), recorder, null, 10_000,
                Arrays.asList((String) null), 10_000, 20, 15_000, 0);
    }

    @Test
    @Timeout(120)
    void theFloodStopsAtTheServersFileLimitAndSaysSo() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Recorder recorder = new Recorder(null, new PrintStream(progress, true, StandardCharsets.UTF_8));

        new FloodSuite().run(new FloodSuite.Settings(List.of(100), 10, true), context(recorder), List.of(Implementation.EVENTED));

        List<ResultRow> rows = recorder.rows();
        ResultRow last = rows.get(rows.size() - 1);
        StepDetail why = recorder.details().get(rows.size() - 1);
        assertEquals(0, rows.stream().mapToLong(ResultRow::errors).sum(), "no connection failed: " + why.note());
        assertEquals(List.of(), recorder.failures(), "a series that ends at the file limit is no failed check");
        assertEquals(last.clients(), last.connections(), "every connection the last step asked for is open");
        assertTrue(last.connections() > 100 && last.connections() + SuiteContext.FILE_RESERVE < FILE_LIMIT,
                "the last step fills the files the server has: " + last.connections());
        assertTrue(why.note().contains("file limit") && why.note().contains(Integer.toString(FILE_LIMIT)), why.note());
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains(why.note()), "the terminal is told why the series ended");
    }

    @ParameterizedTest
    @ValueSource(strings = {"threaded-platform", "threaded-virtual", "evented"})
    @Timeout(120)
    void aServerPushedPastItsFileLimitKeepsServingItsConnections(String model) throws Exception {
        SuiteContext context = context(new Recorder(null, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        try (SpawnedServer server = start(model);
             GeneratorPool pool = context.pool(server, ConnectPlan.CHAT_PATH, 10)) {
            SuiteContext.Connected held = context.connect(server, pool, 10_000);
            assertNull(held.failure());
            assertNotNull(held.limit(), "10,000 connections do not fit in " + FILE_LIMIT + " files");
            // Filled to the reserve, less what the server opened since (a jar for a class it loads late).
            long free = ProcReader.fileUse(server.pid()).free();
            assertTrue(free > 0 && free <= SuiteContext.FILE_RESERVE,
                    "the harness filled the server's files but the reserve: " + free + " free");

            // Past the harness's stop: more clients than the files the server kept free, in rooms of their own.
            int past = SuiteContext.FILE_RESERVE + 40;
            try (LoadGenerator intruder = new LoadGenerator("past-the-limit")) {
                ConnectResult refused = intruder.connect(new ConnectPlan("127.0.0.1", server.address().getPort(),
                        ConnectPlan.CHAT_PATH, past, 1_000_000, 10, null, 20, 3_000, 30_000, past));
                assertTrue(refused.failed() > 0, "the server had no file for some of " + past + " more clients");
                assertNull(server.deathNote(), "the server survives its file limit");
            }

            // The intruders are gone; every held connection still gets every message of its room.
            LoadResult result = pool.load(new LoadPlan(LoadPlan.Kind.BROADCAST, 5, 2, 200, 1_000, 16, 5_000, 1));
            assertTrue(result.sent() > 0);
            assertEquals(0, result.totalErrors(), () -> "first error: " + result.firstError());
            assertEquals(result.expected(), result.delivered());
            assertEquals(held.target(), pool.open());
            assertTrue(server.stats().path("ioErrors").asLong() > 0, "the refused accepts are counted in /stats");
        }
    }
}
