package chatlab.bench.transports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.bench.Recorder;
import chatlab.bench.SmallRun;
import chatlab.bench.load.Transport;
import chatlab.bench.results.ReportWriter;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.RunData;
import chatlab.protocol.server.Implementation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small transports run against in-process models, recorded as a real run is, then read back:
 * each transport and model has its row in data.csv and in transports.csv, the figures a row holds
 * are those of its transport, a peer is left out, and the section and its charts come from the
 * files alone.
 */
class TransportsSuiteTest {

    private static final List<Implementation> IMPLS = List.of(Implementation.THREADED_PLATFORM, Implementation.EVENTED, Implementation.NETTY);

    @TempDir
    static Path results;

    private static Path runDir;
    private static Recorder recorder;
    private static String progress;

    @BeforeAll
    static void recordASmallRun() throws Exception {
        SmallRun small = new SmallRun(results);
        runDir = small.dir();
        recorder = small.recorder();
        var settings = new TransportsSuite.Settings(TransportsSuite.TRANSPORTS.stream().map(Transport::id).toList(), List.of(10, 20), 5,
                4.0, 200, 30, 200, 400, 800, 16, 5_000);
        new TransportsSuite().run(settings, small.context(1_000, 10_000, 10_000), IMPLS);
        small.finish(Map.of(TransportsSuite.NAME, settings));
        progress = small.progress();
    }

    @Test
    void everyTransportAndModelHasItsRowsAndItsOwnFigures() throws Exception {
        assertEquals(List.of(), recorder.failures(), progress);
        assertTrue(progress.contains("netty: left out of the transports suite"), progress);
        RunData run = RunData.read(runDir);
        List<TransportRow> rows = TransportRow.read(runDir);
        assertEquals(4 * 2 * 2, rows.size(), progress);
        assertEquals(rows.size(), run.rows().size());
        for (TransportRow row : rows) {
            Transport transport = Transport.of(row.transport());
            ResultRow result = run.rows(TransportsSuite.suite(transport), row.impl()).stream()
                    .filter(r -> r.clients() == row.clients()).findFirst().orElseThrow();
            assertEquals(0, result.errors(), () -> result + "\n" + progress);
            assertTrue(row.deliveries() > 0 && row.traffic().socketDown() > 0, row::toString);
            assertEquals(transport.http() ? 3 : 1, row.setupRequestsPerClient(), 1e-9, row::toString);
            switch (transport) {
                case SHORT_POLL -> assertTrue(row.traffic().receiveRequests() > 0 && row.emptyShare() > 0, row::toString);
                case LONG_POLL -> assertEquals(row.clients(), row.pollsHeld(), () -> "every client's poll held after the load: " + row);
                case SSE -> assertEquals(row.clients(), row.sseStreams(), row::toString);
                case WEBSOCKET -> assertEquals(0, row.traffic().requests(), row::toString);
                default -> throw new AssertionError(transport);
            }
            if (row.impl().equals("evented")) assertEquals(0, row.connectionThreads(), row::toString);
            else assertTrue(row.connectionThreads() >= row.clients(), () -> "a thread per connection: " + row);
        }
    }

    @Test
    void theSectionAndItsChartsComeFromTheFilesAlone() throws Exception {
        List<RunData> runs = RunData.readAll(results.resolve("runs"), new ArrayList<>());
        Path readme = results.resolve("README.md");
        new ReportWriter(readme, ReportWriter.choose(runs), runs, List.of()).write();
        String text = Files.readString(readme);
        for (String expected : List.of("## Transports: short polling, long polling, SSE and WebSocket", "At 20 clients",
                "| short-poll | threaded-platform |", "| websocket | evented |", "five updates (published)", "3.5 KB",
                "### Reading", "runs/small/transports-latency.png")) {
            assertTrue(text.contains(expected), () -> "README lacks '" + expected + "':\n" + text);
        }
        assertTrue(!text.contains("| netty |"), "a peer has no row here");
        for (String chart : List.of("transports-latency.png", "transports-requests.png", "transports-bytes.png", "transports-cpu.png",
                "transports-threads.png")) {
            byte[] png = Files.readAllBytes(runDir.resolve(chart));
            assertTrue(png.length > 1_000 && new String(png, 1, 3, StandardCharsets.US_ASCII).equals("PNG"), chart);
        }
    }
}
