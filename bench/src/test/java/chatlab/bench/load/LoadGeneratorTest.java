package chatlab.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ChatServers;
import chatlab.protocol.server.ServerConfig;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The generator's own correctness, against in-process servers given deliberate faults, and against
 * a stall of its own: what it records must show a server that falls behind, the time a message
 * should have left, and every message a server drops.
 */
class LoadGeneratorTest {

    private static ConnectPlan plan(InetSocketAddress address, Transport transport, int count, int roomSize) {
        return new ConnectPlan("127.0.0.1", address.getPort(), transport, 0, count, 0, roomSize, null, 20, 5_000, 10_000, 5);
    }

    /**
     * evented given a 20 ms delay per chat message handles at most 50 a second on its one thread;
     * offered 100, its deliveries arrive at half the rate and the rest drain after the window.
     * Counting deliveries by their intended send time (whenever they arrive) would report the
     * offered rate here, as the harness once did.
     */
    @Test
    void aServerThatFallsBehindDeliversLessThanIsOffered() throws Exception {
        int members = 5;
        try (ChatServer server = ChatServers.create("evented", ServerConfig.defaults().withFaults(new ServerConfig.Faults(20, 0)));
             LoadGenerator generator = new LoadGenerator("test-behind")) {
            InetSocketAddress address = server.start("127.0.0.1", 0);
            assertEquals(members, generator.connect(plan(address, Transport.WEBSOCKET, members, members)).opened());

            // 5 senders at 20/s: 100 messages a second to a room of 5, 500 deliveries a second offered.
            LoadResult result = generator.load(new LoadPlan(LoadPlan.Kind.BROADCAST, 1, 20, 200, 1_500, 16, 15_000, 1));

            assertEquals(0, result.totalErrors(), () -> "everything arrives in the end: " + result.describeFaults());
            assertTrue(Math.abs(result.offeredPerSecond() - 500) < 50, "offered " + result.offeredPerSecond());
            assertTrue(result.deliveredPerSecond() < 0.8 * result.offeredPerSecond(),
                    "delivered " + result.deliveredPerSecond() + "/s of " + result.offeredPerSecond() + "/s offered");
        }
    }

    /**
     * The generator's selector thread stops for 400 ms in the middle of the window, as a GC pause
     * would: nothing leaves meanwhile, and what was due goes out late, all at once. Timed from the
     * intended send time, the messages due early in the stall record most of it; timed from when
     * they really left (the naive method), none would.
     */
    @Test
    void messagesScheduledDuringAStallRecordTheStall() throws Exception {
        long stallMillis = 400;
        try (ChatServer server = ChatServers.create("evented", ServerConfig.defaults());
             LoadGenerator generator = new LoadGenerator("test-stall")) {
            InetSocketAddress address = server.start("127.0.0.1", 0);
            assertEquals(10, generator.connect(plan(address, Transport.ECHO, 10, 1)).opened());

            // 10 connections at 100/s: 1,000 messages a second, 200 of them due in the stall's first half.
            CompletableFuture<LoadResult> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return generator.load(new LoadPlan(LoadPlan.Kind.ECHO, 1, 100, 200, 3_000, 32, 5_000, 3));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(1_200); // places the stall inside the measured window (200 ms warm-up, then 3 s), even if the load starts late
            generator.stallFor(stallMillis);
            LoadResult result = running.get(60, TimeUnit.SECONDS);

            assertEquals(0, result.totalErrors(), () -> result.describeFaults());
            Histogram latency = result.histogram();
            long halfStallOrMore = latency.getCountBetweenValues(stallMillis * 1000 / 2, Long.MAX_VALUE / 2);
            assertTrue(halfStallOrMore >= 150, "messages due in the stall's first half waited at least half of it: " + halfStallOrMore);
            assertTrue(latency.getMaxValue() >= stallMillis * 1000 * 9 / 10, "the first one due waited the whole stall: "
                    + latency.getMaxValue() + " us");
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
            assertEquals(members, generator.connect(plan(address, Transport.WEBSOCKET, members, members)).opened());

            LoadResult result = generator.load(new LoadPlan(LoadPlan.Kind.BROADCAST, 1, 20, 0, 600, 16, 500, 1));

            long dropped = result.sent() / dropEvery; // the room's seq numbers that are multiples of 3
            assertTrue(result.sent() >= 30, "sent " + result.sent());
            assertEquals(result.sent() * members, result.expected());
            assertEquals(dropped * members, result.lost(), "each dropped message is missed by every member");
            assertEquals(result.lost(), result.totalErrors());
            assertEquals(0, result.closedAsSlow(), "nothing was closed as a slow consumer to explain the loss");
        }
    }

    @Test
    void echoComesBackOnceAndKeepsUpWithTheOfferedRate() throws Exception {
        try (ChatServer server = ChatServers.create("evented", ServerConfig.defaults());
             LoadGenerator generator = new LoadGenerator("test-echo")) {
            InetSocketAddress address = server.start("127.0.0.1", 0);
            assertEquals(10, generator.connect(plan(address, Transport.ECHO, 10, 1)).opened());

            LoadResult result = generator.load(new LoadPlan(LoadPlan.Kind.ECHO, 1, 50, 200, 1_000, 64, 5_000, 7));

            assertEquals(0, result.totalErrors(), () -> "first error: " + result.firstError());
            assertEquals(result.sent(), result.delivered());
            assertTrue(result.sent() >= 550, "10 connections at 50/s for 1.2 s sent " + result.sent());
            assertTrue(Math.abs(result.offeredPerSecond() - 500) < 50, "offered " + result.offeredPerSecond());
            Histogram h = result.histogram();
            assertTrue(h.getTotalCount() > 0 && h.getTotalCount() <= result.delivered());
        }
    }

    @Test
    void aServerThatIsNotThereFailsFastWithAMessage() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (LoadGenerator generator = new LoadGenerator("test-refused")) {
            ConnectResult result = generator.connect(new ConnectPlan("127.0.0.1", port, Transport.WEBSOCKET, 0, 100, 0, 10,
                    null, 10, 2_000, 5_000, 5));
            assertEquals(0, result.opened());
            assertEquals(100, result.failed());
            assertTrue(result.firstFailure().toLowerCase().contains("refused"), result.firstFailure());
        }
    }

    /**
     * The lab's messages: every sender's {@code compute} is answered once, to it alone; a blocker
     * sends its own {@code sleep}s on its schedule, whose answers are recorded apart with the
     * thread that slept, and the other deliveries fall into time buckets. On evented without
     * workers the loop sleeps, and the chat delivered meanwhile waits for it: the bucket holding
     * the sleep's start shows it.
     */
    @Test
    void labMessagesAreAnsweredOnceAndTheBlockersApart() throws Exception {
        try (ChatServer server = ChatServers.create("evented", ServerConfig.defaults().withLab(true));
             LoadGenerator generator = new LoadGenerator("test-lab")) {
            InetSocketAddress address = server.start("127.0.0.1", 0);
            assertEquals(4, generator.connect(plan(address, Transport.WEBSOCKET, 4, 4)).opened());

            LoadPlan.Lab work = new LoadPlan.Lab(new LoadPlan.Work("compute", 2), null, 0);
            LoadResult computed = generator.load(new LoadPlan(LoadPlan.Kind.WORK, 1, 20, 100, 500, 0, 5_000, 7, null, work));
            assertEquals(0, computed.totalErrors(), computed::describeFaults);
            assertEquals(computed.sent(), computed.expected(), "one answer per compute, to its sender");
            assertEquals(computed.expected(), computed.delivered());

            LoadPlan.Blocker blocker = new LoadPlan.Blocker(0, List.of(new LoadPlan.Burst(new LoadPlan.Work("sleep", 300), 400, 1_000, 500)));
            LoadResult blocked = generator.load(new LoadPlan(LoadPlan.Kind.BROADCAST, 1, 50, 0, 1_500, 8, 5_000, 8, null,
                    new LoadPlan.Lab(null, blocker, 100)));
            assertEquals(0, blocked.totalErrors(), blocked::describeFaults);
            assertEquals(2, blocked.blocked().size(), "sleeps at 400 and 900 ms: " + blocked.blocked());
            for (LoadResult.Answer answer : blocked.blocked()) {
                assertTrue(answer.latencyMicros() >= 300_000, "a sleep of 300 ms takes 300 ms: " + answer);
                assertEquals("evented-loop", answer.thread(), "without workers the loop itself sleeps");
            }
            long chat = blocked.timeline().stream().mapToLong(LoadResult.Bucket::count).sum();
            assertEquals(blocked.delivered() - blocked.sent(), chat, "every delivery but the blocker's own is in a bucket");
            long worstAtTheSleep = blocked.timeline().stream().filter(b -> b.startMillis() == 400).mapToLong(LoadResult.Bucket::maxMicros)
                    .max().orElse(0);
            assertTrue(worstAtTheSleep >= 150_000, "chat sent as the loop fell asleep waited for it: " + blocked.timeline());
        }
    }
}
