package chatlab.testsuite;

import static chatlab.testsuite.WsClient.Kind.JAVA_WEBSOCKET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP transports over several servers: a session made on one server is sent to, short- and
 * long-polled and streamed on the others, with the same numbered messages everywhere, and ends
 * everywhere when the server that made it stops.
 */
@Tag("cluster")
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClusterSessionTest {

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
