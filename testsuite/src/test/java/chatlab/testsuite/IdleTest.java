package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.StatsSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;

/** The idle rule: ping after an interval of silence, close 1001 after another one without an answer. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IdleTest {

    static final Duration INTERVAL = Duration.ofMillis(300);
    /** Timers may be coarse: a ping or close may come this much later than the interval. */
    static final Duration SLACK = Duration.ofSeconds(3);

    @CoreModels
    void silentClientIsPingedThenClosedWith1001(String model) {
        try (TestServer server = TestServer.start(model, ServerConfig.defaults().withIdleInterval(INTERVAL))) {
            // Counted from before the handshake: the server's silence starts when the request
            // arrives, which on a busy machine can be well before the client reads the 101.
            long start = System.nanoTime();
            try (RawWebSocket ws = RawWebSocket.connect(server, "/ws")) {
                RawFrame ping = ws.read(INTERVAL.plus(SLACK));
                long pingedAfter = (System.nanoTime() - start) / 1_000_000;
                assertEquals(RawFrame.PING, ping.opcode(), "a silent connection is pinged first: " + ping);
                assertTrue(pingedAfter >= INTERVAL.toMillis(), "pinged after " + pingedAfter + " ms, before the interval");

                List<RawFrame> before = new ArrayList<>();
                RawFrame close = ws.readUntilClose(INTERVAL.plus(SLACK), before);
                long closedAfter = (System.nanoTime() - start) / 1_000_000;
                assertTrue(before.stream().allMatch(f -> f.opcode() == RawFrame.PING), "only pings before the close: " + before);
                assertEquals(1001, close.closeCode(), "idle close code: " + close);
                assertTrue(closedAfter >= 2 * INTERVAL.toMillis(), "closed " + closedAfter + " ms after the connect, before two intervals");
                ws.answerCloseAndExpectEnd(close, Duration.ofSeconds(5));
                server.awaitCounter("idleCloses", StatsSnapshot::idleCloses, 1, Duration.ofSeconds(5));
            }
        }
    }

    @CoreModels
    void clientAnsweringPingsStaysOpen(String model) {
        try (TestServer server = TestServer.start(model, ServerConfig.defaults().withIdleInterval(INTERVAL));
             RawWebSocket ws = RawWebSocket.connect(server, "/echo")) {
            for (int i = 0; i < 3; i++) {
                RawFrame ping = ws.read(INTERVAL.plus(SLACK));
                assertEquals(RawFrame.PING, ping.opcode(), "ping " + i + ": " + ping);
                ws.send(RawFrame.client(true, RawFrame.PONG, ping.payload()));
            }
            ws.sendText("still here");
            while (true) {
                RawFrame frame = ws.read(SLACK);
                if (frame.opcode() == RawFrame.PING) {
                    ws.send(RawFrame.client(true, RawFrame.PONG, frame.payload()));
                    continue;
                }
                assertEquals(RawFrame.TEXT, frame.opcode(), "after answering pings the connection works: " + frame);
                assertEquals("still here", frame.text());
                break;
            }
            assertEquals(0, server.stats().idleCloses(), "no idle close for a client that answers");
        }
    }

    @CoreModels
    void libraryClientSurvivesManyIntervals(String model) {
        try (TestServer server = TestServer.start(model, ServerConfig.defaults().withIdleInterval(INTERVAL));
             RawWebSocket probe = RawWebSocket.connect(server, "/echo");
             WsClient client = WsClient.connect(WsClient.Kind.JAVA_WEBSOCKET, server.ws("/ws"))) {
            // The probe stays silent: its ping and its 1001 mark the passing of two intervals.
            assertEquals(RawFrame.PING, probe.read(INTERVAL.plus(SLACK)).opcode());
            assertEquals(1001, probe.readUntilClose(INTERVAL.plus(SLACK), null).closeCode());
            client.send(Json.join("idle", "alive"));
            client.expect("joined");
            assertEquals(false, client.isClosed(), "a client library answers pings by itself and stays open");
        }
    }
}
