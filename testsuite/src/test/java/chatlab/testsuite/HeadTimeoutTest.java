package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.StatsSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;

/**
 * Slowloris: a client that never finishes its request head is disconnected after the head
 * timeout, even while it keeps trickling bytes, and does not hold up anyone else.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HeadTimeoutTest {

    static final Duration HEAD_TIMEOUT = Duration.ofMillis(500);
    static final Duration BOUND = HEAD_TIMEOUT.plusSeconds(3);

    @CoreModels
    void tricklingHeadIsCutOffAfterTheHeadTimeout(String model) throws Exception {
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (TestServer server = TestServer.start(model, ServerConfig.defaults().withHeadTimeout(HEAD_TIMEOUT));
             Socket socket = new Socket()) {
            socket.connect(server.address, 5000);
            long start = System.nanoTime();
            OutputStream out = socket.getOutputStream();
            byte[] head = ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "a".repeat(500))
                    .getBytes(StandardCharsets.ISO_8859_1);
            AtomicInteger sent = new AtomicInteger();
            // One byte every 50 ms: never idle for long, never finished.
            trickle.scheduleAtFixedRate(() -> {
                int i = sent.getAndIncrement();
                try {
                    out.write(head[Math.min(i, head.length - 1)]);
                    out.flush();
                } catch (IOException e) {
                    throw new RuntimeException("stop trickling: " + e); // ends the schedule
                }
            }, 0, 50, TimeUnit.MILLISECONDS);

            long endedAfter = awaitEnd(socket, BOUND.plusSeconds(2));
            assertTrue(endedAfter >= 0, "the server kept a never-finished head open for over " + BOUND.plusSeconds(2).toMillis()
                    + " ms (head timeout " + HEAD_TIMEOUT.toMillis() + " ms, " + sent.get() + " bytes trickled)");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis <= BOUND.toMillis(), "disconnected after " + millis + " ms, head timeout " + HEAD_TIMEOUT.toMillis());
            assertTrue(millis >= HEAD_TIMEOUT.toMillis() / 2, "disconnected after only " + millis + " ms");
            server.awaitCounter("headTimeouts", StatsSnapshot::headTimeouts, 1, Duration.ofSeconds(5));
        } finally {
            trickle.shutdownNow();
        }
    }

    @CoreModels
    void silentConnectionIsCutOffAfterTheHeadTimeout(String model) throws Exception {
        try (TestServer server = TestServer.start(model, ServerConfig.defaults().withHeadTimeout(HEAD_TIMEOUT));
             Socket socket = new Socket()) {
            socket.connect(server.address, 5000);
            long start = System.nanoTime();
            long ended = awaitEnd(socket, BOUND.plusSeconds(2));
            assertTrue(ended >= 0, "a connection that sends nothing was never closed");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis <= BOUND.toMillis(), "disconnected after " + millis + " ms");
            server.awaitCounter("headTimeouts", StatsSnapshot::headTimeouts, 1, Duration.ofSeconds(5));
        }
    }

    @CoreModels
    void pendingHeadsDoNotHoldUpOthers(String model) throws Exception {
        List<Socket> slow = new ArrayList<>();
        try (TestServer server = TestServer.start(model)) { // default head timeout: 10 s
            try {
                for (int i = 0; i < 50; i++) {
                    Socket socket = new Socket();
                    socket.connect(server.address, 5000);
                    socket.getOutputStream().write("GET /ws HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    slow.add(socket);
                }
                try (WsClient client = WsClient.connect(WsClient.Kind.JETTY, server.ws("/ws"))) {
                    client.send(Json.join("busy", "patient"));
                    client.expect("joined");
                    client.send(Json.say("busy", "served", "p-1"));
                    client.expect("message");
                }
            } finally {
                for (Socket socket : slow) {
                    socket.close();
                }
            }
        }
    }

    /** Reads (discarding any answer, e.g. a 408) until EOF or reset: milliseconds taken, or -1 on timeout. */
    private static long awaitEnd(Socket socket, Duration timeout) throws IOException {
        return RawHttp.awaitEnd(socket, socket.getInputStream(), timeout);
    }
}
