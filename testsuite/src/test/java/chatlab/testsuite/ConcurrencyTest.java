package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.StatsSnapshot;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Timeout;

/**
 * 200 clients in one room, all connected and joined first, then each sends 50 messages at once:
 * every client must see all 10,000 in seq order without gap or duplicate, and {@code /stats}
 * must have counted them.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConcurrencyTest {

    static final int CLIENTS = 200;
    static final int PER_CLIENT = 50;
    static final int TOTAL = CLIENTS * PER_CLIENT;
    /**
     * Every member receives about 1.15 MB here, a little more than the default 1 MiB outbound
     * bound. chatlab's own models run at the default bound: they must keep writing while they
     * read, so members that do read are never taken for slow consumers. The peers' slow-consumer
     * signal is their library's buffered amount, which on two shared cores (the 200 clients run
     * in this JVM) can pass 1 MiB for a client that reads; this test is about order and
     * completeness, so for them the bound is raised (SlowConsumerTest covers the bound itself).
     */
    static int outboundBound(String model) {
        return Models.isCore(model) ? ServerConfig.DEFAULT_OUTBOUND_BOUND_BYTES : 64 * 1024 * 1024;
    }

    /** Waits for all trackers against one deadline; on failure says how far the crowd got, not only the first. */
    private static void awaitEveryone(List<RoomTracker> trackers, TestServer server, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (RoomTracker tracker : trackers) {
            if (!tracker.finished(Duration.ofNanos(deadline - System.nanoTime()))) {
                break;
            }
        }
        long complete = trackers.stream().filter(t -> t.distinct() >= TOTAL && t.problem() == null).count();
        if (complete == trackers.size()) {
            return;
        }
        LongSummaryStatistics received = trackers.stream().mapToLong(RoomTracker::distinct).summaryStatistics();
        List<String> problems = trackers.stream().map(RoomTracker::problem).filter(Objects::nonNull).limit(5).toList();
        fail(complete + " of " + trackers.size() + " clients got all " + TOTAL + " messages in order; received min "
                + received.getMin() + " max " + received.getMax() + "; problems " + problems
                + "; server stats: " + server.stats().toJson());
    }

    @AllModels
    void everyoneGetsEveryMessageInOrder(String model) throws Exception {
        try (TestServer server = TestServer.start(model, ServerConfig.defaults().withOutboundBoundBytes(outboundBound(model)))) {
            List<RoomTracker> trackers = new ArrayList<>();
            List<WsClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    WsClient.Kind kind = i % 2 == 0 ? WsClient.Kind.JAVA_WEBSOCKET : WsClient.Kind.JETTY;
                    RoomTracker tracker = new RoomTracker("client " + i + " (" + kind + ")", "crowd", TOTAL);
                    trackers.add(tracker);
                    clients.add(WsClient.connect(kind, server.ws("/ws"), tracker));
                }
                for (int i = 0; i < CLIENTS; i++) {
                    clients.get(i).send(Json.join("crowd", "c" + i));
                }
                for (RoomTracker tracker : trackers) {
                    tracker.awaitJoined(Duration.ofSeconds(30));
                }
                assertEquals(CLIENTS, server.stats().connections(), "connections once all are open");

                CountDownLatch go = new CountDownLatch(1);
                List<Thread> senders = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    WsClient client = clients.get(i);
                    String sender = "c" + i;
                    senders.add(Thread.ofVirtual().start(() -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        for (int n = 0; n < PER_CLIENT; n++) {
                            client.send(Json.say("crowd", sender + " says " + n, sender + "-" + n));
                        }
                    }));
                }
                go.countDown();
                for (Thread sender : senders) {
                    sender.join(Duration.ofSeconds(60));
                    assertTrue(!sender.isAlive(), "a sender did not finish within 60 s");
                }
                awaitEveryone(trackers, server, Duration.ofSeconds(120));

                JsonNode stats = server.statsJson();
                assertTrue(stats.path("messagesIn").asLong() >= TOTAL + CLIENTS,
                        "messagesIn counts every say and join: " + stats);
                assertTrue(stats.path("messagesOut").asLong() >= (long) TOTAL * CLIENTS,
                        "messagesOut counts every delivery: " + stats);
                assertEquals(CLIENTS, stats.path("connections").asLong(), "connections: " + stats);
                if (server.isCore()) {
                    assertEquals(0, stats.path("slowConsumerCloses").asLong(), "nobody is a slow consumer here: " + stats);
                    assertEquals(0, stats.path("protocolCloses").asLong(), "protocolCloses: " + stats);
                }
            } finally {
                clients.forEach(WsClient::close);
            }
            server.awaitCounterAtMost("connections", StatsSnapshot::connections, 0, Duration.ofSeconds(30));
        }
    }
}
