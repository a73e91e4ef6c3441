package chatlab.testsuite;

import static chatlab.testsuite.WsClient.Kind.JAVA_WEBSOCKET;
import static chatlab.testsuite.WsClient.Kind.JETTY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker fails, the servers do not: Redis stopped and restarted with and without its data,
 * and Redis paused. Each test has a Redis of its own; the servers run in this JVM.
 */
@Tag("cluster")
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClusterFaultTest {

    /** The command timeout of the server whose Redis is paused: how long before a say is answered. */
    private static final Duration PAUSED_TIMEOUT = Duration.ofSeconds(3);

    @BeforeAll
    static void needsRedis() {
        RedisServer.assumeAvailable();
    }

    @Test
    void redisStoppedAndRestartedWithItsDataLosesNothingAcknowledged() throws Exception {
        String room = Cluster.room("restart");
        try (RedisServer redis = RedisServer.start();
             TestServer a = Cluster.server("evented", redis);
             TestServer b = Cluster.server("threaded-virtual", redis);
             WsClient alice = WsClient.connect(JAVA_WEBSOCKET, a.ws("/ws"));
             WsClient bob = WsClient.connect(JETTY, b.ws("/ws"))) {
            outageAndBack(redis, true, a, b, alice, bob, room);
            try (WsClient carol = WsClient.connect(JAVA_WEBSOCKET, b.ws("/ws"))) {
                carol.send(Json.joinAfter(room, "carol", 0));
                assertFalse(Cluster.expectIgnoringPresence(carol, "joined").path("gap").asBoolean(false),
                        "Redis kept its data: nothing is missing");
                assertEquals("alice/alice-0", Cluster.receive(carol, room, 1, 4).get(1L), "every acknowledged message is kept");
            }
        }
    }

    @Test
    void redisRestartedWithoutItsDataReportsTheGapOnResume() throws Exception {
        String room = Cluster.room("loss");
        try (RedisServer redis = RedisServer.start();
             TestServer a = Cluster.server("threaded-platform", redis);
             TestServer b = Cluster.server("evented", redis);
             WsClient alice = WsClient.connect(JAVA_WEBSOCKET, a.ws("/ws"));
             WsClient bob = WsClient.connect(JAVA_WEBSOCKET, b.ws("/ws"))) {
            outageAndBack(redis, false, a, b, alice, bob, room);
            try (WsClient carol = WsClient.connect(JETTY, b.ws("/ws"));
                 WsClient dave = WsClient.connect(JAVA_WEBSOCKET, a.ws("/ws"))) {
                carol.send(Json.joinAfter(room, "carol", 0));
                assertTrue(Cluster.expectIgnoringPresence(carol, "joined").path("gap").asBoolean(false),
                        "Redis lost 1..3: a resume from 0 must be told");
                Cluster.receive(carol, room, 4, 1);
                dave.send(Json.joinAfter(room, "dave", 3));
                assertFalse(Cluster.expectIgnoringPresence(dave, "joined").path("gap").asBoolean(false),
                        "a resume from 3 missed nothing: 4 is kept");
                Cluster.receive(dave, room, 4, 1);
            }
        }
    }

    /**
     * Alice (on a) says three things that both see, Redis stops ({@code keepData} or not) and
     * comes back; meanwhile join and say are refused, after it the room goes on at seq 4, on the
     * members' numbering whether or not Redis kept its data.
     */
    private static void outageAndBack(RedisServer redis, boolean keepData, TestServer a, TestServer b,
                                      WsClient alice, WsClient bob, String room) throws Exception {
        Cluster.join(alice, room, "alice");
        Cluster.join(bob, room, "bob");
        for (int n = 0; n < 3; n++) alice.send(Json.say(room, "before " + n, "alice-" + n));
        Cluster.receive(alice, room, 1, 3); // acknowledged
        Cluster.receive(bob, room, 1, 3);

        redis.stop(keepData);
        refusedWhileDownWithConnectionsOpen(a, b, alice, bob, room);

        redis.restart();
        Cluster.awaitBrokerUp(a, true);
        Cluster.awaitBrokerUp(b, true);
        alice.send(Json.say(room, "after", "alice-3"));
        Cluster.receive(bob, room, 4, 1); // nothing was numbered while Redis was down
        Cluster.receive(alice, room, 4, 1);
    }

    /** While Redis is down: join and say answer unavailable with their id, and connections stay open. */
    private static void refusedWhileDownWithConnectionsOpen(TestServer a, TestServer b, WsClient alice, WsClient bob, String room) {
        Cluster.awaitBrokerUp(a, false);
        Cluster.awaitBrokerUp(b, false);
        alice.send(Json.say(room, "while down", "down-1"));
        Cluster.assertUnavailable(alice.nextIgnoringPresence(), "down-1");
        bob.send(Json.object("type", "join", "room", Cluster.room("other"), "name", "bob", "id", "down-2"));
        Cluster.assertUnavailable(bob.nextIgnoringPresence(), "down-2");
        assertFalse(alice.isClosed(), "connections stay open while the broker is down");
        assertFalse(bob.isClosed(), "connections stay open while the broker is down");
        assertFalse(a.statsJson().path("brokerUp").asBoolean(true), "/stats says the broker is down");
    }

    @Test
    void aPausedRedisDoesNotStallTheEventLoop() throws Exception {
        String room = Cluster.room("paused");
        try (RedisServer redis = RedisServer.start();
             TestServer a = Cluster.server("evented", redis, "timeoutMillis=" + PAUSED_TIMEOUT.toMillis());
             WsClient alice = WsClient.connect(JAVA_WEBSOCKET, a.ws("/ws"));
             WsClient echo = WsClient.connect(JETTY, a.ws("/echo"))) {
            Cluster.join(alice, room, "alice");
            redis.pause();
            try {
                alice.send(Json.say(room, "into the void", "p-1"));
                // The loop has handed the say to Redis, which does not answer: another connection is still served.
                byte[] data = "still here".getBytes(StandardCharsets.UTF_8);
                echo.sendBinary(data);
                assertArrayEquals(data, echo.nextBinary(), "the event loop answers while Redis is paused");
                // The say is answered too, once its command timed out, while Redis is still paused.
                Cluster.assertUnavailable(Cluster.nextIgnoringPresence(alice, PAUSED_TIMEOUT.multipliedBy(10)), "p-1");
                alice.send(Json.say(room, "again", "p-2"));
                Cluster.assertUnavailable(alice.nextIgnoringPresence(), "p-2");
                echo.sendText("and still");
                assertEquals("and still", echo.nextText());
            } finally {
                redis.resume();
            }
            Cluster.awaitBrokerUp(a, true);
            alice.send(Json.say(room, "back", "p-3"));
            // Redis may run the first say once it goes on (it was in its input already): answered
            // unavailable, yet numbered. The second was refused at once and never sent.
            JsonNode next = Cluster.expectIgnoringPresence(alice, "message");
            if (next.path("id").asText().equals("p-1")) next = Cluster.expectIgnoringPresence(alice, "message");
            assertEquals("p-3", next.path("id").asText(), "service resumed, and p-2 was never sent: " + next);
        }
    }
}
