package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.server.StatsSnapshot;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Slow and vanished HTTP clients: an event stream that stops reading is cut off at the outbound
 * bound while another stream in the same room gets everything; a long poll or a stream whose
 * client goes away leaves nothing behind, and in the threaded models the thread it held is
 * visibly held, then given back ({@code connectionThreads} in {@code /stats}).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpSlowClientTest {

    static final int MESSAGES = 2000;   // ~8 MB through the room, well over 4 MiB of kernel buffers + 1 MiB
    static final int TEXT_CHARS = 4000;
    static final int WINDOW = 16;

    @CoreModels
    void anEventStreamThatStopsReadingIsCutOffWhileAnotherGetsEverything(String model) throws Exception {
        RoomTracker senderTracker = new RoomTracker("sender (WebSocket)", "flood", MESSAGES);
        RoomTracker readerTracker = new RoomTracker("reader (event stream)", "flood", MESSAGES);
        try (TestServer server = TestServer.start(model);
             WsClient sender = WsClient.connect(WsClient.Kind.JAVA_WEBSOCKET, server.ws("/ws"), senderTracker)) {
            HttpSessionClient slothSession = HttpSessionClient.open(server);
            slothSession.send(Json.join("flood", "sloth"));
            HttpSessionClient readerSession = HttpSessionClient.open(server);
            readerSession.send(Json.join("flood", "reader"));

            try (SseClient sloth = SseClient.open(server, "sid=" + slothSession.sid, null, 4096);
                 SseClient reader = SseClient.accepted(server, "sid=" + readerSession.sid, null)) {
                assertEquals(200, sloth.head.status(), sloth.head.toString());
                // From here on the sloth reads nothing.
                Thread pump = reader.pump(readerTracker);
                readerTracker.awaitJoined(WsClient.WAIT);
                server.awaitCounter("sseStreams", StatsSnapshot::sseStreams, 2, Duration.ofSeconds(5));

                sender.send(Json.join("flood", "sender"));
                senderTracker.awaitJoined(WsClient.WAIT);
                // The sender may be WINDOW messages ahead of the reading stream, no more: however
                // slow this machine, only the sloth can fall behind, and it falls behind by all.
                Semaphore window = readerTracker.window("s", WINDOW);
                String text = "x".repeat(TEXT_CHARS);
                for (int i = 0; i < MESSAGES; i++) {
                    assertTrue(window.tryAcquire(30, TimeUnit.SECONDS), "the reading stream never got message " + (i - WINDOW));
                    sender.send(Json.say("flood", text, "s-" + i));
                }
                senderTracker.awaitAll(Duration.ofSeconds(60), server);
                readerTracker.awaitAll(Duration.ofSeconds(60), server);

                server.awaitCounter("slowConsumerCloses", StatsSnapshot::slowConsumerCloses, 1, Duration.ofSeconds(15));
                // The sloth reads now: what the kernel still holds, then the end of the stream.
                assertTrue(sloth.awaitEnd(Duration.ofSeconds(20)) >= 0, "the non-reading stream was never ended");
                server.awaitCounterAtMost("sseStreams", StatsSnapshot::sseStreams, 1, Duration.ofSeconds(10));
                reader.close();
                pump.join(TimeUnit.SECONDS.toMillis(10));
            }
            server.awaitCounterAtMost("sseStreams", StatsSnapshot::sseStreams, 0, Duration.ofSeconds(10));
        }
    }

    @CoreModels
    void clientsThatVanishDuringALongPollOrAStreamLeaveNothingBehind(String model) throws Exception {
        int clients = 3;
        try (TestServer server = TestServer.start(model)) {
            List<String> sids = new ArrayList<>();
            for (int i = 0; i < clients; i++) sids.add(HttpSessionClient.open(server).sid);
            long baseThreads = server.stats().connectionThreads();
            long baseConnections = server.stats().httpConnections();

            List<Socket> polls = new ArrayList<>();
            try {
                for (String sid : sids) {
                    Socket socket = new Socket();
                    socket.connect(server.address, 5000);
                    socket.getOutputStream().write(RawHttpConnection.request("GET", "/poll?sid=" + sid + "&wait=5", null)
                            .getBytes(StandardCharsets.ISO_8859_1));
                    polls.add(socket);
                }
                server.awaitCounter("pollsHeld", StatsSnapshot::pollsHeld, clients, Duration.ofSeconds(10));
                assertThreadsHeld(server, model, baseThreads, clients, "held long polls");
            } finally {
                for (Socket socket : polls) socket.close();
            }
            server.awaitCounterAtMost("pollsHeld", StatsSnapshot::pollsHeld, 0, Duration.ofSeconds(15));
            server.awaitCounterAtMost("connectionThreads", StatsSnapshot::connectionThreads, baseThreads, Duration.ofSeconds(15));
            server.awaitCounterAtMost("httpConnections", StatsSnapshot::httpConnections, baseConnections, Duration.ofSeconds(15));

            List<SseClient> streams = new ArrayList<>();
            try {
                for (String sid : sids) streams.add(SseClient.accepted(server, "sid=" + sid, null));
                server.awaitCounter("sseStreams", StatsSnapshot::sseStreams, clients, Duration.ofSeconds(10));
                assertThreadsHeld(server, model, baseThreads, clients, "open event streams");
            } finally {
                streams.forEach(SseClient::close);
            }
            server.awaitCounterAtMost("sseStreams", StatsSnapshot::sseStreams, 0, Duration.ofSeconds(15));
            server.awaitCounterAtMost("connectionThreads", StatsSnapshot::connectionThreads, baseThreads, Duration.ofSeconds(15));
            server.awaitCounterAtMost("httpConnections", StatsSnapshot::httpConnections, baseConnections, Duration.ofSeconds(15));
            assertEquals(clients, server.stats().httpSessions(), "the sessions stay until they expire");
        }
    }

    /** Thread per connection holds a thread for each; the event loop none. */
    private static void assertThreadsHeld(TestServer server, String model, long base, int clients, String what) {
        if (model.equals("evented")) {
            assertEquals(0, server.stats().connectionThreads(), "the event loop holds no thread for " + what);
        } else {
            server.awaitCounter("connectionThreads", StatsSnapshot::connectionThreads, base + clients, Duration.ofSeconds(5));
        }
    }
}
