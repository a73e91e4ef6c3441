package chatlab.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ChatServers;
import chatlab.protocol.server.ServerConfig;
import java.net.InetSocketAddress;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The generator's own correctness, against in-process servers given deliberate faults: what it
 * records must show a delay the server adds, and a message the server drops must come out as errors.
 */
class LoadGeneratorTest {

    private static ConnectPlan plan(InetSocketAddress address, String path, int count, int roomSize) {
        return new ConnectPlan("127.0.0.1", address.getPort(), path, count, 0, roomSize, null, 20, 5_000, 10_000, 5);
    }

    @Test
    void recordedLatencyIncludesTheServersDelay() throws Exception {
        int delayMillis = 40;
        try (ChatServer server = ChatServers.create("threaded-virtual",
                     ServerConfig.defaults().withFaults(new ServerConfig.Faults(delayMillis, 0)));
             LoadGenerator generator = new LoadGenerator("test-delay")) {
            InetSocketAddress address = server.start("127.0.0.1", 0);
            ConnectResult connected = generator.connect(plan(address, ConnectPlan.CHAT_PATH, 6, 6));
            assertEquals(6, connected.opened(), () -> "first failure: " + connected.firstFailure());

            // 2 senders at 5/s: the server is busy a fifth of the time, so the delay is all that shows.
            LoadResult result = generator.load(new LoadPlan(LoadPlan.Kind.BROADCAST, 3, 5, 200, 1_000, 32, 5_000, 1));

            Histogram latency = result.histogram();
            assertEquals(0, result.totalErrors(), () -> "first error: " + result.firstError());
            assertEquals(result.sent() * 6, result.delivered());
            assertTrue(latency.getTotalCount() > 0);
            assertTrue(latency.getMinValue() >= delayMillis * 1000L,
                    "every delivery waited for the server's " + delayMillis + " ms delay, min was " + latency.getMinValue() + " us");
        }
    }

    @Test
    void droppedMessagesAreCountedAsErrors() throws Exception {
        int dropEvery = 3;
        int members = 5;
        try (ChatServer server = ChatServers.create("evented",
                     ServerConfig.defaults().withFaults(new ServerConfig.Faults(0, dropEvery)));
             LoadGenerator generator = new LoadGenerator("test-drop")) {
            InetSocketAddress address = server.start("127.0.0.1", 0);
            assertEquals(members, generator.connect(plan(address, ConnectPlan.CHAT_PATH, members, members)).opened());

            LoadResult result = generator.load(new LoadPlan(LoadPlan.Kind.BROADCAST, 1, 20, 0, 600, 16, 500, 1));

            long dropped = result.sent() / dropEvery; // the room's seq numbers that are multiples of 3
            assertTrue(result.sent() >= 30, "sent " + result.sent());
            assertEquals(result.sent() * members, result.expected());
            assertEquals(dropped * members, result.lost(), "each dropped message is missed by every member");
            assertEquals(result.lost(), result.totalErrors());
        }
    }

    @Test
    void echoComesBackOnceAndIsTimed() throws Exception {
        try (ChatServer server = ChatServers.create("evented", ServerConfig.defaults());
             LoadGenerator generator = new LoadGenerator("test-echo")) {
            InetSocketAddress address = server.start("127.0.0.1", 0);
            assertEquals(10, generator.connect(plan(address, ConnectPlan.ECHO_PATH, 10, 1)).opened());

            LoadResult result = generator.load(new LoadPlan(LoadPlan.Kind.ECHO, 1, 100, 200, 800, 64, 5_000, 7));

            assertEquals(0, result.totalErrors(), () -> "first error: " + result.firstError());
            assertEquals(result.sent(), result.delivered());
            assertTrue(result.sent() >= 900, "10 connections at 100/s for a second sent " + result.sent());
            Histogram h = result.histogram();
            assertTrue(h.getTotalCount() > 0 && h.getTotalCount() <= result.delivered());
            System.out.printf("echo: sent %d p50 %d us p99 %d us max %d us%n", result.sent(),
                    h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getMaxValue());
        }
    }

    @Test
    void aServerThatIsNotThereFailsFastWithAMessage() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (LoadGenerator generator = new LoadGenerator("test-refused")) {
            ConnectResult result = generator.connect(new ConnectPlan("127.0.0.1", port, ConnectPlan.CHAT_PATH, 100, 0, 10,
                    null, 10, 2_000, 5_000, 5));
            assertEquals(0, result.opened());
            assertEquals(100, result.failed());
            assertTrue(result.firstFailure().toLowerCase().contains("refused"), result.firstFailure());
        }
    }
}
