package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import chatlab.protocol.server.StatsSnapshot;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * A member that never reads while the room is busy: the server must close it with 1008 once its
 * outbound queue passes the bound (default 1 MiB), keep serving everyone else completely, and
 * keep its own memory bounded.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SlowConsumerTest {

    static final int MESSAGES = 3000;           // ~12 MB of chat through the room, well over kernel buffers + 1 MiB
    static final int TEXT_CHARS = 4000;
    static final long HEAP_CEILING = 512L * 1024 * 1024;
    static final int WINDOW = 16;                // messages a sender may have unacknowledged (~64 KB)

    @CoreModels
    void nonReaderIsClosedWith1008WhileOthersGetEverything(String model) throws Exception {
        try (TestServer server = TestServer.start(model);
             RawWebSocket sloth = RawWebSocket.connect(server, "/ws", 4096)) {
            sloth.sendText(Json.join("flood", "sloth"));
            JsonNode joined = Json.parse(sloth.read(WsClient.WAIT).text());
            assertEquals("joined", joined.path("type").asText(), "sloth's join: " + joined);
            // From here on the sloth reads nothing.

            List<RoomTracker> trackers = new ArrayList<>();
            List<WsClient> clients = new ArrayList<>();
            try {
                WsClient.Kind[] kinds = {WsClient.Kind.JAVA_WEBSOCKET, WsClient.Kind.JETTY, WsClient.Kind.JAVA_WEBSOCKET};
                for (int i = 0; i < kinds.length; i++) {
                    RoomTracker tracker = new RoomTracker("member " + i + " (" + kinds[i] + ")", "flood", MESSAGES);
                    WsClient client = WsClient.connect(kinds[i], server.ws("/ws"), tracker);
                    trackers.add(tracker);
                    clients.add(client);
                    client.send(Json.join("flood", "member" + i));
                    tracker.awaitJoined(WsClient.WAIT);
                }
                // The senders keep a window of messages in flight (their own copies come back as
                // acknowledgements), so that every member but the sloth really keeps up and only
                // the sloth's queue can grow, whatever the server's scheduling.
                String text = "x".repeat(TEXT_CHARS);
                Semaphore window0 = trackers.get(0).window("s0", WINDOW);
                Semaphore window1 = trackers.get(1).window("s1", WINDOW);
                Thread first = Thread.ofVirtual().start(() -> sendMany(clients.get(0), window0, "s0", text, MESSAGES / 2));
                Thread second = Thread.ofVirtual().start(() -> sendMany(clients.get(1), window1, "s1", text, MESSAGES - MESSAGES / 2));
                first.join();
                second.join();
                for (RoomTracker tracker : trackers) {
                    tracker.awaitAll(Duration.ofSeconds(60), server);
                }

                server.awaitCounter("slowConsumerCloses", StatsSnapshot::slowConsumerCloses, 1, Duration.ofSeconds(15));
                JsonNode stats = server.statsJson();
                assertTrue(stats.path("slowConsumerCloses").asLong() >= 1, "/stats slowConsumerCloses: " + stats);
                long heap = server.stats().heapUsedBytes();
                if (heap >= HEAP_CEILING) {
                    // The figure includes garbage (and the test's own clients, same JVM): look again after a GC.
                    System.gc();
                    heap = server.stats().heapUsedBytes();
                }
                assertTrue(heap < HEAP_CEILING, "heap stays bounded: " + heap + " bytes in use after a GC");
            } finally {
                clients.forEach(WsClient::close);
            }
            assertSlothEnded(sloth);
        }
    }

    private static void sendMany(WsClient client, Semaphore window, String sender, String text, int count) {
        try {
            for (int i = 0; i < count; i++) {
                if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
                    return; // the tracker reports what went missing
                }
                client.send(Json.say("flood", text, sender + "-" + i));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The sloth now reads: whatever the kernel still holds, then (if the server still waits for it)
     * the close frame, which must say 1008; in any case the connection must end.
     */
    private static void assertSlothEnded(RawWebSocket sloth) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        RawFrame last = null;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                fail("the non-reading connection was never ended by the server; last frame " + last);
            }
            sloth.socket.setSoTimeout((int) left);
            RawFrame frame;
            try {
                frame = RawFrame.read(sloth.input(), 1 << 20);
            } catch (SocketTimeoutException e) {
                fail("the non-reading connection was never ended by the server; last frame " + last);
                return;
            } catch (EOFException | SocketException e) {
                return; // ended (reset, or cut inside a frame after the server gave up)
            } catch (IOException e) {
                fail("the bytes sent to the slow consumer are not a valid frame sequence after " + last, e);
                return;
            }
            if (frame == null) {
                return;
            }
            if (frame.opcode() == RawFrame.CLOSE) {
                assertEquals(1008, frame.closeCode(), "close code for a slow consumer: " + frame);
                sloth.answerCloseAndExpectEnd(frame, Duration.ofSeconds(10));
                return;
            }
            last = frame;
        }
    }
}
