package chatlab.testsuite;

import static chatlab.testsuite.WsClient.Kind.JAVA_WEBSOCKET;
import static chatlab.testsuite.WsClient.Kind.JETTY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Servers as {@code chatlab serve} processes, for the faults a test cannot inflict on a server
 * in its own JVM: one killed with SIGKILL, and one paused long enough for Redis to cut its
 * subscription at {@code client-output-buffer-limit}.
 */
@Tag("cluster")
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClusterProcessTest {

    /** PROTOCOL.md: a dead server's members leave within 30 s. */
    private static final Duration CONTRACT_LEAVE = Duration.ofSeconds(30);

    @BeforeAll
    static void needsRedis() {
        RedisServer.assumeAvailable();
    }

    @Test
    void aKilledServersMembersLeaveAndItsClientsResumeElsewhere() throws Exception {
        String room = Cluster.room("killed");
        try (RedisServer redis = RedisServer.start()) {
            String broker = redis.url(Cluster.FAST);
            List<CompletableFuture<ChildServer>> starting = List.of(
                    CompletableFuture.supplyAsync(() -> start("evented", broker)),
                    CompletableFuture.supplyAsync(() -> start("threaded-virtual", broker)),
                    CompletableFuture.supplyAsync(() -> start("threaded-platform", broker)));
            try {
                killAndResume(room, starting.get(0).get(150, TimeUnit.SECONDS), starting.get(1).get(150, TimeUnit.SECONDS),
                        starting.get(2).get(150, TimeUnit.SECONDS));
            } finally {
                for (CompletableFuture<ChildServer> child : starting) {
                    ChildServer server = child.handle((started, error) -> started).get(150, TimeUnit.SECONDS);
                    if (server != null) server.close();
                }
            }
        }
    }

    private static void killAndResume(String room, ChildServer s1, ChildServer s2, ChildServer victim) throws Exception {
        try (WsClient x = WsClient.connect(JAVA_WEBSOCKET, s1.ws("/ws"));
             WsClient y = WsClient.connect(JETTY, s2.ws("/ws"))) {
            Cluster.join(x, room, "x");
            Cluster.join(y, room, "y");
            long lastSeen;
            WsClient z = WsClient.connect(JAVA_WEBSOCKET, victim.ws("/ws"));
            try {
                assertEquals(3, Cluster.join(z, room, "z").path("members").asInt());
                for (int n = 0; n < 5; n++) z.send(Json.say(room, "z says " + n, "z-" + n));
                lastSeen = Cluster.receive(z, room, 1, 5).size();
                Cluster.receive(x, room, 1, 5);
                Cluster.receive(y, room, 1, 5);
                victim.kill(); // SIGKILL: no goodbye
            } finally {
                z.close();
            }

            // Its member leaves on every other server, within the contract's 30 s.
            for (WsClient survivor : List.of(x, y)) {
                JsonNode leave = awaitPresence(survivor, "z", "leave", CONTRACT_LEAVE);
                assertEquals(2, leave.path("members").asInt(), survivor + ": " + leave);
            }

            // Meanwhile the room goes on; z comes back on another server and loses nothing.
            for (int n = 0; n < 6; n++) x.send(Json.say(room, "x says " + n, "x-" + n));
            Cluster.receive(x, room, 6, 6);
            Cluster.receive(y, room, 6, 6);
            try (WsClient back = WsClient.connect(JETTY, s2.ws("/ws"))) {
                back.send(Json.joinAfter(room, "z", lastSeen));
                JsonNode joined = Cluster.expectIgnoringPresence(back, "joined");
                assertFalse(joined.path("gap").asBoolean(false), "nothing missed was trimmed: " + joined);
                assertEquals(3, joined.path("members").asInt(), "x, y and z again: " + joined);
                assertEquals("x/x-0", Cluster.receive(back, room, 6, 6).get(6L));
            }
        }
    }

    @Test
    void aSubscriberRedisCutsForFallingBehindCatchesUpFromTheHistory() throws Exception {
        int rooms = 12;
        int perRoom = 250;
        // About 7.5 MB in all: more than the kernel's socket buffers take for a process that does not
        // read (a few MB on loopback), so Redis's own buffer for the paused subscriber passes the limit.
        // Under 1 MiB per room: the catch-up arrives at once, and must not pass a member's outbound bound.
        String text = "x".repeat(2500);
        try (RedisServer redis = RedisServer.start("client-output-buffer-limit", "pubsub 256kb 128kb 1");
             TestServer sender = Cluster.server("evented", redis);
             ChildServer slow = start("threaded-virtual", redis.url(Cluster.STEADY))) {
            List<String> names = new ArrayList<>();
            List<WsClient> watchers = new ArrayList<>();
            List<WsClient> talkers = new ArrayList<>();
            try {
                for (int r = 0; r < rooms; r++) {
                    String room = Cluster.room("slow" + r);
                    names.add(room);
                    WsClient watcher = WsClient.connect(JAVA_WEBSOCKET, slow.ws("/ws"));
                    watchers.add(watcher);
                    Cluster.join(watcher, room, "watcher");
                    WsClient talker = WsClient.connect(JAVA_WEBSOCKET, sender.ws("/ws"));
                    talkers.add(talker);
                    Cluster.join(talker, room, "talker");
                }
                slow.pause();
                try {
                    // In rounds of 50 per room, each acknowledged before the next: a few MB in flight, not all 7.5.
                    for (int first = 0; first < perRoom; first += 50) {
                        for (int r = 0; r < rooms; r++) {
                            for (int n = first; n < first + 50; n++) talkers.get(r).send(Json.say(names.get(r), text, "t-" + n));
                        }
                        for (int r = 0; r < rooms; r++) Cluster.receive(talkers.get(r), names.get(r), first + 1, 50);
                    }
                    awaitLog(redis, "overcoming of output buffer limits", Duration.ofSeconds(30));
                } finally {
                    slow.resume();
                }
                // Every message of every room reaches the paused server's members, in order, once.
                for (int r = 0; r < rooms; r++) Cluster.receive(watchers.get(r), names.get(r), 1, perRoom);
                JsonNode stats = slow.awaitBrokerUp(Cluster.RECOVERY);
                assertTrue(stats.path("connections").asInt() >= rooms, "its clients stayed connected: " + stats);
                // And it serves again: a say from the slow server's side reaches the other.
                watchers.get(0).send(Json.say(names.get(0), "after", "w-0"));
                Cluster.receive(talkers.get(0), names.get(0), perRoom + 1, 1);
            } finally {
                watchers.forEach(WsClient::close);
                talkers.forEach(WsClient::close);
            }
        }
    }

    private static ChildServer start(String model, String broker) {
        try {
            return ChildServer.start(model, broker);
        } catch (Exception e) {
            throw new AssertionError(model + " did not start", e);
        }
    }

    /** The {@code presence} of {@code name} with this {@code event}, skipping anything else, within {@code timeout}. */
    private static JsonNode awaitPresence(WsClient client, String name, String event, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            WsClient.Event next = client.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (next instanceof WsClient.Text text) {
                JsonNode json = Json.parse(text.text());
                if ("presence".equals(json.path("type").asText()) && name.equals(json.path("name").asText())
                        && event.equals(json.path("event").asText())) {
                    return json;
                }
            }
        }
        return fail(client + ": no presence " + event + " of " + name + " within " + timeout.toSeconds() + " s");
    }

    /** Redis writes the cut to its log; nothing else tells an outsider. Polled against a deadline. */
    private static void awaitLog(RedisServer redis, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!redis.log().contains(text)) {
            if (System.nanoTime() > deadline) fail("Redis did not log '" + text + "' within " + timeout.toSeconds() + " s: " + redis.log());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }
}
