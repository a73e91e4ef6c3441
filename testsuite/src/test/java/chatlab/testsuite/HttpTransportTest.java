package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.StatsSnapshot;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * PROTOCOL.md "HTTP transports": sessions, {@code /send}, short and long polling, server-sent
 * events with resume, expiry, and the errors, through the JDK's HttpClient and plain sockets; and
 * messages crossing between an HTTP session and a WebSocket (Java-WebSocket's client) in one room.
 * The reference peers do not serve these endpoints, so this runs over the core models.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpTransportTest {

    @CoreModels
    void aSessionJoinsSaysAndPollsItsOwnNumberedMessages(String model) {
        try (TestServer server = TestServer.start(model)) {
            HttpSessionClient alice = HttpSessionClient.open(server);
            alice.send(Json.join("lobby", "alice"));
            JsonNode first = alice.poll(0, 0);
            assertEquals(1, first.get("last").asLong(), "the session's first message is number 1: " + first);
            assertEquals("joined", first.get("messages").get(0).path("type").asText(), first.toString());

            alice.sendAll(Json.say("lobby", "one", "a-1"), Json.say("elsewhere", "nope", "a-2"), Json.say("lobby", "two", "a-3"));
            JsonNode answer = alice.poll(1, 0);
            assertEquals(4, answer.get("last").asLong(), "three more messages, numbered 2 to 4: " + answer);
            JsonNode messages = answer.get("messages");
            assertEquals("one", messages.get(0).path("text").asText(), answer.toString());
            assertEquals(1, messages.get(0).path("seq").asLong(), answer.toString());
            assertEquals("error", messages.get(1).path("type").asText(), "an application error is a message of the session: " + answer);
            assertEquals("not_joined", messages.get(1).path("code").asText(), answer.toString());
            assertEquals("a-2", messages.get(1).path("id").asText(), answer.toString());
            assertEquals("two", messages.get(2).path("text").asText(), answer.toString());

            JsonNode none = alice.poll(4, 0);
            assertEquals(4, none.get("last").asLong(), "nothing new: last is after itself");
            assertEquals(0, none.get("messages").size());
            StatsSnapshot stats = server.stats();
            assertEquals(1, stats.httpSessions(), stats.toJson());
            assertTrue(stats.messagesIn() >= 4, "the four messages sent are counted: " + stats.toJson());
            assertEquals(1, stats.appErrors(), stats.toJson());
        }
    }

    @CoreModels
    void messagesCrossBetweenHttpAndWebSocketBothWays(String model) {
        try (TestServer server = TestServer.start(model);
             WsClient ws = WsClient.connect(WsClient.Kind.JAVA_WEBSOCKET, server.ws("/ws"))) {
            ws.send(Json.join("cross", "wendy"));
            ws.expect("joined");
            HttpSessionClient http = HttpSessionClient.open(server);
            http.send(Json.join("cross", "hugo"));
            JsonNode joined = http.expect("joined");
            assertEquals(2, joined.path("members").asInt(), "the WebSocket member counts: " + joined);
            JsonNode presence = ws.expect("presence");
            assertEquals("hugo", presence.path("name").asText(), presence.toString());

            http.send(Json.say("cross", "over http", "h-1"));
            JsonNode atWs = ws.expect("message");
            assertEquals("hugo", atWs.path("from").asText(), atWs.toString());
            assertEquals("over http", atWs.path("text").asText(), atWs.toString());
            assertEquals("h-1", http.expect("message").path("id").asText(), "the sender's own copy");

            ws.send(Json.say("cross", "over ws", "w-1"));
            assertEquals("w-1", ws.expect("message").path("id").asText());
            JsonNode atHttp = http.expect("message");
            assertEquals("wendy", atHttp.path("from").asText(), atHttp.toString());
            assertEquals("over ws", atHttp.path("text").asText(), atHttp.toString());
            assertEquals(atWs.path("seq").asLong() + 1, atHttp.path("seq").asLong(), "one room, one seq");
        }
    }

    @CoreModels
    void aLongPollIsHeldUntilAMessageArrives(String model) throws Exception {
        try (TestServer server = TestServer.start(model);
             WsClient ws = WsClient.connect(WsClient.Kind.JAVA_WEBSOCKET, server.ws("/ws"))) {
            HttpSessionClient http = HttpSessionClient.open(server);
            http.send(Json.join("held", "hugo"));
            long after = http.poll(0, 0).get("last").asLong();
            ws.send(Json.join("held", "wendy"));
            ws.expect("joined");
            long afterPresence = after + 1;
            assertEquals(afterPresence, http.poll(after, 0).get("last").asLong(), "the presence of wendy");

            CompletableFuture<HttpResponse<String>> poll = TestServer.HTTP.sendAsync(
                    HttpRequest.newBuilder(server.http("/poll?sid=" + http.sid + "&after=" + afterPresence + "&wait=20"))
                            .timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            server.awaitCounter("pollsHeld", StatsSnapshot::pollsHeld, 1, Duration.ofSeconds(10));
            assertFalse(poll.isDone(), "nothing to say yet: the poll is held");

            ws.send(Json.say("held", "wake up", "w-1"));
            HttpResponse<String> response = poll.get(10, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode(), response.body());
            JsonNode answer = Json.parse(response.body());
            assertEquals(afterPresence + 1, answer.get("last").asLong(), answer.toString());
            assertEquals("wake up", answer.get("messages").get(0).path("text").asText(), answer.toString());
            server.awaitCounterAtMost("pollsHeld", StatsSnapshot::pollsHeld, 0, Duration.ofSeconds(5));
        }
    }

    @CoreModels
    void aLongPollWithNothingToSayEndsEmptyAtItsWait(String model) {
        try (TestServer server = TestServer.start(model)) {
            HttpSessionClient http = HttpSessionClient.open(server);
            long start = System.nanoTime();
            JsonNode answer = http.poll(0, 1);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(0, answer.get("last").asLong(), answer.toString());
            assertEquals(0, answer.get("messages").size(), answer.toString());
            // A lower bound only: the poll must have been held, not answered at once.
            assertTrue(millis >= 900, "wait=1 answered after only " + millis + " ms");
            server.awaitCounterAtMost("pollsHeld", StatsSnapshot::pollsHeld, 0, Duration.ofSeconds(5));
        }
    }

    @CoreModels
    void anEventStreamNumbersMessagesAndResumesByLastEventIdOrAfter(String model) throws Exception {
        try (TestServer server = TestServer.start(model);
             WsClient ws = WsClient.connect(WsClient.Kind.JAVA_WEBSOCKET, server.ws("/ws"))) {
            ws.send(Json.join("sse", "wendy"));
            ws.expect("joined");
            HttpSessionClient http = HttpSessionClient.open(server);
            http.send(Json.join("sse", "hugo"));                 // 1: joined
            ws.expect("presence");
            for (int i = 1; i <= 3; i++) {                        // 2, 3, 4: messages
                ws.send(Json.say("sse", "m" + i, "w-" + i));
                ws.expect("message");
            }
            try (SseClient stream = SseClient.accepted(server, "sid=" + http.sid, null)) {
                assertEquals("no-store", stream.head.header("cache-control"), stream.head.toString());
                SseClient.Event joined = stream.next(WsClient.WAIT);
                assertEquals(1, joined.id(), "without a resume point the stream starts with what is kept");
                assertEquals("joined", Json.parse(joined.data()).path("type").asText());
                for (int i = 1; i <= 3; i++) {
                    SseClient.Event event = stream.next(WsClient.WAIT);
                    assertEquals(i + 1, event.id());
                    assertEquals("m" + i, Json.parse(event.data()).path("text").asText());
                }
                server.awaitCounter("sseStreams", StatsSnapshot::sseStreams, 1, Duration.ofSeconds(5));
                ws.send(Json.say("sse", "live", "w-4"));
                SseClient.Event live = stream.next(WsClient.WAIT);
                assertEquals(5, live.id(), "live events continue the numbering");
                assertEquals("live", Json.parse(live.data()).path("text").asText());
            }
            try (SseClient resumed = SseClient.accepted(server, "sid=" + http.sid, "2")) {
                assertEquals(3, resumed.next(WsClient.WAIT).id(), "Last-Event-ID: 2 resumes at 3");
            }
            try (SseClient resumed = SseClient.accepted(server, "sid=" + http.sid + "&after=4", null)) {
                assertEquals(5, resumed.next(WsClient.WAIT).id(), "after=4 resumes at 5");
            }
            try (SseClient resumed = SseClient.accepted(server, "sid=" + http.sid + "&after=1", "4")) {
                assertEquals(5, resumed.next(WsClient.WAIT).id(), "Last-Event-ID (what EventSource sends) wins over after");
            }
            server.awaitCounterAtMost("sseStreams", StatsSnapshot::sseStreams, 0, Duration.ofSeconds(10));
        }
    }

    @CoreModels
    void anIdleEventStreamGetsItsHeartbeatComment(String model) throws Exception {
        ServerConfig config = ServerConfig.defaults().withSseHeartbeat(Duration.ofMillis(200));
        try (TestServer server = TestServer.start(model, config)) {
            HttpSessionClient http = HttpSessionClient.open(server);
            try (SseClient stream = SseClient.accepted(server, "sid=" + http.sid, null)) {
                assertTrue(stream.nextComment(Duration.ofSeconds(5)).startsWith(":"));
                assertTrue(stream.nextComment(Duration.ofSeconds(5)).startsWith(":"), "and again");
            }
        }
    }

    @CoreModels
    void aSessionUnusedForTheExpiryEndsLeavesItsRoomsAndIsThen404(String model) {
        ServerConfig config = ServerConfig.defaults().withSessionExpiry(Duration.ofMillis(1500));
        try (TestServer server = TestServer.start(model, config);
             WsClient ws = WsClient.connect(WsClient.Kind.JAVA_WEBSOCKET, server.ws("/ws"))) {
            ws.send(Json.join("expiry", "wendy"));
            ws.expect("joined");
            HttpSessionClient http = HttpSessionClient.open(server);
            http.send(Json.join("expiry", "hugo"));
            assertEquals("join", ws.expect("presence").path("event").asText());
            // Nobody uses the session from here: the WebSocket member sees it leave.
            JsonNode leave = ws.expect("presence");
            assertEquals("leave", leave.path("event").asText(), leave.toString());
            assertEquals("hugo", leave.path("name").asText(), leave.toString());
            HttpResponse<String> gone = server.httpGet("/poll?sid=" + http.sid);
            assertEquals(404, gone.statusCode(), gone.body());
            assertJsonError(gone);
            StatsSnapshot stats = server.stats();
            assertEquals(0, stats.httpSessions(), stats.toJson());
            assertEquals(1, stats.httpSessionsExpired(), stats.toJson());
        }
    }

    @CoreModels
    void aHeldPollAndAnOpenStreamAreUseAndKeepTheSession(String model) throws Exception {
        ServerConfig config = ServerConfig.defaults().withSessionExpiry(Duration.ofMillis(1500))
                .withSseHeartbeat(Duration.ofMillis(500));
        try (TestServer server = TestServer.start(model, config)) {
            HttpSessionClient http = HttpSessionClient.open(server);
            assertEquals(0, http.poll(0, 4).get("messages").size(), "a four-second poll, well over the expiry");
            assertEquals(0, http.poll(0, 0).get("last").asLong(), "the session outlived its poll");
            try (SseClient stream = SseClient.accepted(server, "sid=" + http.sid, null)) {
                for (int i = 0; i < 8; i++) stream.nextComment(Duration.ofSeconds(5)); // 4 s of an open stream
                http.send(Json.join("kept", "hugo"));
                assertEquals("joined", Json.parse(stream.next(WsClient.WAIT).data()).path("type").asText());
            }
            assertEquals(0, server.stats().httpSessionsExpired());
        }
    }

    @CoreModels
    void malformedInputIs400UnknownSessionsAre404AndBothCarryAJsonError(String model) {
        try (TestServer server = TestServer.start(model)) {
            HttpSessionClient http = HttpSessionClient.open(server);
            String sid = http.sid;
            List<String> bodies = List.of("not json", "[1,2]", "\"text\"", "{\"type\":\"join\"} trailing", "");
            int refused = 0;
            for (String body : bodies) {
                HttpResponse<String> response = http.post(body);
                assertEquals(400, response.statusCode(), "POST /send '" + body + "': " + response.body());
                assertJsonError(response);
                refused++;
            }
            List<String> bad400 = List.of("/poll?sid=" + sid + "&wait=31", "/poll?sid=" + sid + "&wait=-1",
                    "/poll?sid=" + sid + "&after=abc", "/poll?sid=" + sid + "&after=99", "/poll", "/poll?sid=",
                    "/events?sid=" + sid + "&after=x");
            for (String target : bad400) {
                HttpResponse<String> response = server.httpGet(target);
                assertEquals(400, response.statusCode(), "GET " + target + ": " + response.body());
                assertJsonError(response);
                refused++;
            }
            HttpResponse<String> badLastEventId = server.httpSend(HttpRequest.newBuilder(server.http("/events?sid=" + sid))
                    .header("Last-Event-ID", "seven").GET());
            assertEquals(400, badLastEventId.statusCode(), badLastEventId.body());
            refused++;
            for (String target : List.of("/poll?sid=nope", "/events?sid=nope")) {
                HttpResponse<String> response = server.httpGet(target);
                assertEquals(404, response.statusCode(), "GET " + target + ": " + response.body());
                assertJsonError(response);
                refused++;
            }
            HttpResponse<String> sendUnknown = server.httpSend(HttpRequest.newBuilder(server.http("/send?sid=nope"))
                    .POST(HttpRequest.BodyPublishers.ofString(Json.join("x", "y"))));
            assertEquals(404, sendUnknown.statusCode(), sendUnknown.body());
            refused++;
            HttpResponse<String> getSession = server.httpGet("/session");
            assertEquals(405, getSession.statusCode(), getSession.body());
            assertEquals("POST", getSession.headers().firstValue("allow").orElse(null), getSession.headers().map().toString());
            HttpResponse<String> postPoll = server.httpSend(HttpRequest.newBuilder(server.http("/poll?sid=" + sid))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertEquals(405, postPoll.statusCode(), postPoll.body());
            assertEquals("GET", postPoll.headers().firstValue("allow").orElse(null));
            refused += 2;

            server.awaitCounter("httpRejects", StatsSnapshot::httpRejects, refused, Duration.ofSeconds(5));
            assertEquals(0, http.poll(0, 0).get("last").asLong(), "the refused requests changed nothing in the session");
        }
    }

    static void assertJsonError(HttpResponse<String> response) {
        Json.assertError(response.headers().firstValue("content-type").orElse(null), response.body());
    }

    @CoreModels
    void sessionsAreBoundedAndTheExtraOneIs503(String model) {
        try (TestServer server = TestServer.start(model, ServerConfig.defaults().withMaxHttpSessions(2))) {
            List<String> sids = new ArrayList<>();
            for (int i = 0; i < 2; i++) sids.add(HttpSessionClient.open(server).sid);
            HttpResponse<String> full = server.httpSend(HttpRequest.newBuilder(server.http("/session"))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertEquals(503, full.statusCode(), full.body());
            assertJsonError(full);
            assertNotNull(full.headers().firstValue("retry-after").orElse(null), "503 says when to retry");
            assertEquals(2, server.stats().httpSessions());
        }
    }
}
