package chatlab.bench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.bench.Recorder;
import chatlab.bench.SuiteContext;
import chatlab.bench.broadcast.BroadcastSuite;
import chatlab.bench.echo.EchoSuite;
import chatlab.bench.flood.FloodSuite;
import chatlab.bench.load.LoadGenerator;
import chatlab.bench.server.InProcessServer;
import chatlab.protocol.server.Implementation;
import chatlab.protocol.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small run of the flood, broadcast and echo suites against two in-process models, recorded the
 * way a real run is, then read back: every file keeps its columns and every step, and the report
 * and charts are generated from the files alone.
 */
class RecordedRunTest {

    private static final List<Implementation> MODELS = List.of(Implementation.EVENTED, Implementation.THREADED_VIRTUAL);

    @TempDir
    static Path results;

    private static Path runDir;
    private static String progress;
    private static Recorder recorder;

    @BeforeAll
    static void recordASmallRun() throws Exception {
        runDir = results.resolve("runs").resolve("small");
        Files.createDirectories(runDir);
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        recorder = new Recorder(runDir, new PrintStream(lines, true, StandardCharsets.UTF_8));
        SuiteContext context = new SuiteContext(InProcessServer.launcher(ServerConfig.defaults()),
                n -> new LoadGenerator("test-generator-" + n), recorder, runDir, 40, Arrays.asList((String) null), 1_000, 20, 5_000, 0);
        var flood = new FloodSuite.Settings(List.of(20, 60), 10, false);
        var broadcast = new BroadcastSuite.Settings(List.of(20, 40), 10, 5, 10, 100, 300, 400, 16, 60_000, 2_000);
        var echo = new EchoSuite.Settings(List.of(10), 20, 100, 300, 400, 32, 2_000);
        new FloodSuite().run(flood, context, MODELS);
        new BroadcastSuite().run(broadcast, context, MODELS);
        new EchoSuite().run(echo, context, MODELS);
        Map<String, Object> suites = new LinkedHashMap<>();
        suites.put("flood", flood);
        suites.put("broadcast", broadcast);
        suites.put("echo", echo);
        Environment.write(runDir.resolve(Environment.FILE), Environment.collect("test", Path.of("."),
                Map.of("profile", "quick", "suites", suites)));
        progress = lines.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyStepIsRecordedWithItsNewFigures() throws Exception {
        List<String> lines = Files.readAllLines(runDir.resolve(ResultsCsv.DATA));
        assertEquals(String.join(",", ResultRow.COLUMNS), lines.get(0));
        assertTrue(lines.get(0).contains("offered_per_s") && lines.get(0).contains("heap_live_bytes") && lines.get(0).contains("gc_pause_ms"));
        List<ResultRow> rows = ResultsCsv.readRows(runDir.resolve(ResultsCsv.DATA));
        // Per model: flood baseline + 2 steps (the second spans two generators of 40), broadcast 2, echo 1.
        assertEquals(MODELS.size() * 6, rows.size(), progress);
        assertEquals(List.of(), recorder.failures(), progress);
        for (ResultRow row : rows) {
            assertEquals(0, row.errors(), () -> "no errors expected: " + row + "\n" + progress);
            assertTrue(row.rssBytes() > 0 && row.heapLiveBytes() > 0, row::toString);
            assertTrue(row.gcPauseMs() >= 0, "the JVM's own pause accounting: " + row);
            if (!row.suite().equals("flood")) {
                assertTrue(row.sent() > 0 && row.delivered() >= row.sent(), row::toString);
                assertTrue(row.p50Us() > 0 && row.p50Us() <= row.p99Us() && row.p99Us() <= row.maxUs(), row::toString);
                // What arrived inside a 400 ms window depends on the machine's load; that a rate was computed does not.
                assertTrue(row.offeredPerS() > 0 && row.deliveredPerS() >= 0, row::toString);
            }
        }
        assertEquals(60, rows.stream().filter(r -> r.suite().equals("flood") && r.impl().equals("evented"))
                .mapToLong(ResultRow::connections).max().orElse(0));
        assertEquals(rows.size(), ResultsCsv.readDetails(runDir.resolve(ResultsCsv.STEPS)).size());
        // Writing what was read gives the same file.
        Path copy = results.resolve("copy.csv");
        ResultsCsv.writeRows(copy, rows);
        assertEquals(lines, Files.readAllLines(copy));
    }

    @Test
    void eachFloodStepHasItsMemoryInParts() throws Exception {
        List<MemoryPart> memory = ResultsCsv.readMemory(runDir.resolve(ResultsCsv.MEMORY));
        for (Implementation model : MODELS) {
            for (long connections : List.of(0L, 20L, 60L)) {
                List<String> parts = memory.stream().filter(p -> p.impl().equals(model.id()) && p.connections() == connections)
                        .map(MemoryPart::part).toList();
                assertTrue(parts.contains(MemoryPart.HEAP_LIVE), model + " at " + connections + ": " + parts);
                assertTrue(parts.contains("kernel.tcp_buffers"), model + " at " + connections + ": " + parts);
            }
        }
    }

    @Test
    void reportAndChartsComeFromTheFilesAlone() throws Exception {
        List<RunData> runs = RunData.readAll(results.resolve("runs"), new java.util.ArrayList<>());
        assertEquals(1, runs.size());
        Path readme = results.resolve("README.md");
        new ReportWriter(readme, ReportWriter.choose(runs), runs, List.of()).write();

        String text = Files.readString(readme);
        for (String expected : List.of("## Machine and method", "## Targets", "## Flood: idle connections",
                "## Broadcast: fan-out in rooms", "## Echo: request and response", "### Reading", "## Runs",
                "| evented |", "| threaded-virtual |", "runs/small/data.csv", "runs/small/flood-rss-per-connection.png",
                "Where one connection's bytes go", "runs/small/flood-memory-parts.png", "switches / delivery")) {
            assertTrue(text.contains(expected), () -> "README lacks '" + expected + "':\n" + text);
        }
        assertTrue(text.contains("**not measured**: `evented` holds 19,000"), "a small run cannot claim the 19,000 target:\n" + text);
        assertFalse(text.contains("the context switch counts above show it"), "no fixed sentence states a measured effect");
        for (String chart : List.of("flood-rss-per-connection.png", "flood-rss-marginal.png", "flood-threads.png",
                "flood-memory-parts.png", "broadcast-p99.png", "broadcast-throughput.png", "echo-p99.png", "echo-throughput.png")) {
            Path png = runDir.resolve(chart);
            assertTrue(Files.size(png) > 1_000, chart);
            byte[] magic = Arrays.copyOf(Files.readAllBytes(png), 4);
            assertEquals("PNG", new String(magic, 1, 3, StandardCharsets.US_ASCII), chart);
        }
    }
}
