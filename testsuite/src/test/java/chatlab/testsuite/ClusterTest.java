package chatlab.testsuite;

import static chatlab.testsuite.WsClient.Kind.JAVA_WEBSOCKET;
import static chatlab.testsuite.WsClient.Kind.JETTY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PROTOCOL.md "Several servers: --broker", with every server in this JVM and one real Redis:
 * servers of mixed models serve one chat (every message reaches every member once, with the
 * same seq everywhere, gapless), history and resume work across servers, members and presence
 * span servers, and an HTTP session made on one server is used on the others.
 */
@Tag("cluster")
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClusterTest {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() throws IOException {
        RedisServer.assumeAvailable();
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() throws IOException {
        if (redis != null) redis.close();
    }

    @ParameterizedTest(name = "{0} + {1}")
    @CsvSource({"evented, threaded-virtual", "threaded-platform, evented", "evented, jetty"})
    void twoServersOfMixedModelsServeOneChat(String first, String second) {
        String room = Cluster.room("two");
        try (TestServer a = Cluster.server(first, redis);
             TestServer b = Cluster.server(second, redis)) {
            List<TestServer> servers = List.of(a, b, a, b);
            everyMessageReachesEveryMemberOnceInOneOrder(servers, room, 40);
        }
    }

    @Test
    void threeServersOfMixedModelsServeOneChat() {
        String room = Cluster.room("three");
        try (TestServer a = Cluster.server("evented", redis);
             TestServer b = Cluster.server("threaded-virtual", redis);
             TestServer c = Cluster.server("threaded-platform", redis)) {
            everyMessageReachesEveryMemberOnceInOneOrder(List.of(a, b, c, a, b, c), room, 30);
        }
    }

    /** One client per entry of {@code servers}; all join, then all talk at once. */
    private static void everyMessageReachesEveryMemberOnceInOneOrder(List<TestServer> servers, String room, int perClient) {
        List<WsClient> clients = new ArrayList<>();
        List<String> names = Cluster.names("c", servers.size());
        try {
            for (int i = 0; i < servers.size(); i++) {
                WsClient client = WsClient.connect(i % 2 == 0 ? JAVA_WEBSOCKET : JETTY, servers.get(i).ws("/ws"));
                clients.add(client);
                JsonNode joined = Cluster.join(client, room, names.get(i));
                assertEquals(i + 1, joined.path("members").asInt(), "members counts every server's: " + joined);
            }
            Cluster.sayFromAll(clients, names, room, perClient);
            List<Map<Long, String>> received = new ArrayList<>();
            for (WsClient client : clients) {
                received.add(Cluster.receive(client, room, 1, clients.size() * perClient));
            }
            Cluster.assertSameEverywhere(clients, received);
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    @Test
    void aClientThatMovesToAnotherServerResumesWithoutLoss() {
        String room = Cluster.room("move");
        try (TestServer a = Cluster.server("evented", redis);
             TestServer b = Cluster.server("threaded-virtual", redis);
             WsClient bob = WsClient.connect(JAVA_WEBSOCKET, b.ws("/ws"))) {
            Cluster.join(bob, room, "bob");
            long lastSeen;
            try (WsClient alice = WsClient.connect(JAVA_WEBSOCKET, a.ws("/ws"))) {
                Cluster.join(alice, room, "alice");
                for (int n = 0; n < 5; n++) bob.send(Json.say(room, "before " + n, "bob-" + n));
                Cluster.receive(bob, room, 1, 5);
                lastSeen = Cluster.receive(alice, room, 1, 5).keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
            }
            for (int n = 5; n < 12; n++) bob.send(Json.say(room, "while away " + n, "bob-" + n));
            Cluster.receive(bob, room, 6, 7);

            // Alice comes back on the other server and asks for what followed her last seq.
            try (WsClient alice = WsClient.connect(JETTY, b.ws("/ws"))) {
                alice.send(Json.joinAfter(room, "alice", lastSeen));
                JsonNode joined = Cluster.expectIgnoringPresence(alice, "joined");
                assertFalse(joined.path("gap").asBoolean(false), "nothing was trimmed: " + joined);
                Map<Long, String> missed = Cluster.receive(alice, room, 6, 7);
                assertEquals("bob/bob-5", missed.get(6L), "history from the broker, in order");
                bob.send(Json.say(room, "live", "bob-12"));
                assertEquals(13, Cluster.expectIgnoringPresence(alice, "message").path("seq").asLong(), "live messages follow");
            }
        }
    }

    @Test
    void historyIsTheLast1000AcrossServersAndATrimmedResumeReportsTheGap() {
        String room = Cluster.room("trim");
        try (TestServer a = Cluster.server("threaded-virtual", redis);
             TestServer b = Cluster.server("evented", redis);
             WsClient alice = WsClient.connect(JAVA_WEBSOCKET, a.ws("/ws"))) {
            Cluster.join(alice, room, "alice");
            for (int n = 0; n < 1005; n++) alice.send(Json.say(room, "m" + n, "alice-" + n));
            Cluster.receive(alice, room, 1, 1005);
            try (WsClient late = WsClient.connect(JETTY, b.ws("/ws"));
                 WsClient intime = WsClient.connect(JAVA_WEBSOCKET, b.ws("/ws"))) {
                late.send(Json.joinAfter(room, "late", 4));
                assertTrue(Cluster.expectIgnoringPresence(late, "joined").path("gap").asBoolean(false), "5 was trimmed");
                Cluster.receive(late, room, 6, 1000);
                intime.send(Json.joinAfter(room, "intime", 5));
                assertFalse(Cluster.expectIgnoringPresence(intime, "joined").path("gap").asBoolean(false), "6.. is kept");
                Cluster.receive(intime, room, 6, 1000);
            }
        }
    }

    @Test
    void membersAndPresenceSpanServersAndACleanStopLeavesAtOnce() {
        String room = Cluster.room("presence");
        try (TestServer a = Cluster.server("threaded-platform", redis);
             WsClient alice = WsClient.connect(JAVA_WEBSOCKET, a.ws("/ws"))) {
            assertEquals(1, Cluster.join(alice, room, "alice").path("members").asInt());
            TestServer b = Cluster.server("evented", redis);
            WsClient bob = WsClient.connect(JETTY, b.ws("/ws"));
            try {
                assertEquals(2, Cluster.join(bob, room, "bob").path("members").asInt(), "alice on the other server counts");
                JsonNode presence = alice.expect("presence");
                assertEquals("bob", presence.path("name").asText(), presence.toString());
                assertEquals("join", presence.path("event").asText(), presence.toString());
                assertEquals(2, presence.path("members").asInt(), presence.toString());

                bob.send(Json.leave(room));
                assertEquals(1, bob.expect("left").path("members").asInt(), "left counts every server's members");
                presence = alice.expect("presence");
                assertEquals("leave", presence.path("event").asText(), presence.toString());
                assertEquals(1, presence.path("members").asInt(), presence.toString());

                Cluster.join(bob, room, "bob");
                assertEquals("join", alice.expect("presence").path("event").asText());
                JsonNode stats = b.statsJson();
                assertEquals(redis.url(null), stats.path("broker").asText(), "/stats names the broker: " + stats);
                assertTrue(stats.path("brokerUp").asBoolean(false), "/stats: brokerUp " + stats);
            } finally {
                b.close(); // a clean stop, with bob still connected to it
            }
            JsonNode presence = alice.expect("presence");
            assertEquals("bob", presence.path("name").asText(), presence.toString());
            assertEquals("leave", presence.path("event").asText(), "a server that stops takes its members out: " + presence);
            assertEquals(1, presence.path("members").asInt(), presence.toString());
            bob.close();
        }
    }

    @Test
    void sayAndLeaveWithoutJoinAreRefusedAsAlone() {
        String room = Cluster.room("errors");
        try (TestServer a = Cluster.server("evented", redis);
             WsClient alice = WsClient.connect(JAVA_WEBSOCKET, a.ws("/ws"))) {
            alice.send(Json.say(room, "hello", "x-1"));
            JsonNode error = alice.expect("error");
            assertEquals("not_joined", error.path("code").asText(), error.toString());
            assertEquals("x-1", error.path("id").asText(), error.toString());
            Cluster.join(alice, room, "alice");
            alice.send(Json.join(room, "alice2"));
            JsonNode renamed = alice.expect("joined");
            assertEquals("alice2", renamed.path("name").asText(), "joining again renames: " + renamed);
            assertEquals(1, renamed.path("members").asInt(), "and does not count twice: " + renamed);
            alice.send(Json.say(room, "hi", "x-2"));
            assertEquals("alice2", alice.expect("message").path("from").asText());
            alice.send(Json.leave(room));
            alice.expect("left");
            alice.send(Json.leave(room));
            assertEquals("not_joined", alice.expect("error").path("code").asText());
        }
    }

    @Test
    void aSessionMadeOnOneServerIsUsedOnAnyOther() throws Exception {
        String room = Cluster.room("http");
        TestServer home = Cluster.server("evented", redis);
        try (TestServer b = Cluster.server("threaded-virtual", redis);
             TestServer c = Cluster.server("threaded-platform", redis);
             WsClient ws = WsClient.connect(JAVA_WEBSOCKET, home.ws("/ws"))) {
            Cluster.join(ws, room, "ws");
            String sid = Json.parse(home.httpSend(HttpRequest.newBuilder(home.http("/session"))
                    .POST(HttpRequest.BodyPublishers.noBody())).body()).path("sid").asText();

            // Sent on b, handled at the session's home; the long poll on c wakes when it is done.
            assertEquals(204, send(b, sid, Json.join(room, "http")).statusCode());
            JsonNode first = poll(c, sid, 0, 5);
            assertEquals(1, first.path("last").asLong(), "the session's first message: " + first);
            assertEquals("joined", first.path("messages").get(0).path("type").asText(), first.toString());
            assertEquals(2, first.path("messages").get(0).path("members").asInt(), "ws and http: " + first);
            assertEquals("join", ws.expect("presence").path("event").asText());

            // A room message reaches the session: a long poll held on b answers with it.
            ws.send(Json.say(room, "hello http", "ws-0"));
            JsonNode second = poll(b, sid, 1, 5);
            assertEquals(2, second.path("last").asLong(), second.toString());
            JsonNode message = second.path("messages").get(0);
            assertEquals("hello http", message.path("text").asText(), second.toString());
            Cluster.expectIgnoringPresence(ws, "message");

            // Every server numbers the session's messages alike: a short poll on the home and on c.
            for (TestServer server : List.of(home, c)) {
                JsonNode same = poll(server, sid, 1, 0);
                assertEquals(2, same.path("last").asLong(), server + ": " + same);
                assertEquals(message, same.path("messages").get(0), server + " numbers the session as b does");
            }

            // The session speaks through c; the WebSocket member on the home hears it.
            assertEquals(204, send(c, sid, Json.say(room, "hello ws", "http-0")).statusCode());
            JsonNode heard = Cluster.expectIgnoringPresence(ws, "message");
            assertEquals("http", heard.path("from").asText(), heard.toString());
            assertEquals("http-0", heard.path("id").asText(), heard.toString());

            // An event stream on b replays the session from the start, with the same ids.
            try (SseClient stream = SseClient.accepted(b, "sid=" + sid + "&after=0", null)) {
                List<String> types = new ArrayList<>();
                for (long id = 1; id <= 3; id++) {
                    SseClient.Event event = stream.next(WsClient.WAIT);
                    assertEquals(id, event.id(), "event ids are the session's numbers");
                    types.add(Json.parse(event.data()).path("type").asText());
                }
                assertEquals(List.of("joined", "message", "message"), types);
            }

            // A session no server made: 404 on any, after the broker was asked.
            assertEquals(404, b.httpGet("/poll?sid=AAAAAAAAAAAAAAAAAAAAAA&after=0").statusCode());

            // The home stops: the session ends there, and on every other server with it.
            home.close();
            awaitStatus(b, "/poll?sid=" + sid + "&after=0", 404, Cluster.RECOVERY);
        } finally {
            home.close();
        }
    }

    private static HttpResponse<String> send(TestServer server, String sid, String body) {
        return server.httpSend(HttpRequest.newBuilder(server.http("/send?sid=" + sid))
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** {@code GET /poll}, which must answer 200 (a long poll with {@code wait} > 0 answers when a message comes). */
    private static JsonNode poll(TestServer server, String sid, long after, int wait) {
        HttpResponse<String> response = server.httpGet("/poll?sid=" + sid + "&after=" + after + "&wait=" + wait);
        assertEquals(200, response.statusCode(), server + " GET /poll: " + response.body());
        JsonNode body = Json.parse(response.body());
        assertTrue(body.path("messages").isArray(), body.toString());
        return body;
    }

    /** Polls a status against a deadline: the end travels through the broker, with no event a client can wait on. */
    private static void awaitStatus(TestServer server, String target, int status, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last;
        while ((last = server.httpGet(target).statusCode()) != status) {
            if (System.nanoTime() > deadline) fail(server + " " + target + " answered " + last + ", not " + status);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }
}
