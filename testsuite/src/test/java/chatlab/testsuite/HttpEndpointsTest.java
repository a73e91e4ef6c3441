package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.server.StatsSnapshot;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Timeout;

/** The plain HTTP side of the endpoint table: {@code /stats}, {@code /}, 404 and 405. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpEndpointsTest {

    /** The fields PROTOCOL.md lists for {@code /stats}. */
    static final List<String> PROTOCOL_FIELDS = List.of("connections", "threads", "heapUsedBytes", "rssBytes",
            "messagesIn", "messagesOut", "bytesIn", "bytesOut", "uptimeMillis");

    /** What chatlab's own models count besides (StatsSnapshot). */
    static final List<String> CORE_FIELDS = List.of("connectionsTotal", "httpRejects", "headTimeouts",
            "protocolCloses", "slowConsumerCloses", "idleCloses", "appErrors", "ioErrors",
            "httpConnections", "httpSessions", "httpSessionsExpired", "pollsHeld", "sseStreams", "connectionThreads",
            "threadStartFailures");

    @AllModels
    void statsHasEveryProtocolField(String model) {
        try (TestServer server = TestServer.start(model);
             WsClient alice = WsClient.connect(WsClient.Kind.JAVA_WEBSOCKET, server.ws("/ws"));
             WsClient bob = WsClient.connect(WsClient.Kind.JETTY, server.ws("/ws"))) {
            alice.send(Json.join("stats-room", "alice"));
            alice.expect("joined");
            bob.send(Json.join("stats-room", "bob"));
            bob.expect("joined");
            alice.expect("presence");
            alice.send(Json.say("stats-room", "counted", "s-1"));
            alice.expect("message");
            bob.expect("message");
            server.awaitCounter("connections", StatsSnapshot::connections, 2, Duration.ofSeconds(5));

            HttpResponse<String> response = server.httpGet("/stats");
            assertEquals(200, response.statusCode(), "GET /stats: " + response.body());
            String type = response.headers().firstValue("content-type").orElse("");
            assertTrue(type.toLowerCase(Locale.ROOT).startsWith("application/json"),
                    "/stats Content-Type should be application/json, was '" + type + "'");
            JsonNode stats = Json.parse(response.body());
            assertTrue(stats.isObject(), "/stats is a JSON object: " + stats);
            assertEquals(model, stats.path("model").asText(), "/stats model: " + stats);
            for (String field : PROTOCOL_FIELDS) {
                assertTrue(stats.path(field).isIntegralNumber(), "/stats field '" + field + "' missing or not an integer: " + stats);
            }
            assertEquals(2, stats.get("connections").asLong(), "connections with two clients open: " + stats);
            assertTrue(stats.get("threads").asLong() > 0, "threads: " + stats);
            assertTrue(stats.get("heapUsedBytes").asLong() > 0, "heapUsedBytes: " + stats);
            assertTrue(stats.get("rssBytes").asLong() > 0, "rssBytes (Linux): " + stats);
            assertTrue(stats.get("messagesIn").asLong() >= 2, "messagesIn after two joins and a say: " + stats);
            assertTrue(stats.get("messagesOut").asLong() >= 2, "messagesOut after joined and message: " + stats);
            assertTrue(stats.get("bytesIn").asLong() > 0, "bytesIn: " + stats);
            assertTrue(stats.get("bytesOut").asLong() > 0, "bytesOut: " + stats);
            assertTrue(stats.get("uptimeMillis").asLong() >= 0, "uptimeMillis: " + stats);
            if (server.isCore()) {
                for (String field : CORE_FIELDS) {
                    assertTrue(stats.path(field).isIntegralNumber(), "/stats field '" + field + "' missing: " + stats);
                }
                assertTrue(stats.get("connectionsTotal").asLong() >= 2, "connectionsTotal: " + stats);
                assertEquals(0, stats.get("protocolCloses").asLong(), "protocolCloses: " + stats);
                assertEquals(0, stats.get("appErrors").asLong(), "appErrors: " + stats);
            }
            assertEquals(model, server.stats().model(), "ChatServer.stats().model()");
        }
    }

    @AllModels
    void connectionsComeBackToZero(String model) {
        try (TestServer server = TestServer.start(model)) {
            try (WsClient a = WsClient.connect(WsClient.Kind.JAVA_WEBSOCKET, server.ws("/ws"));
                 WsClient b = WsClient.connect(WsClient.Kind.JETTY, server.ws("/echo"))) {
                server.awaitCounter("connections", StatsSnapshot::connections, 2, Duration.ofSeconds(5));
                a.close(1000, "done");
                b.close(1000, "done");
                assertEquals(1000, a.awaitClose(WsClient.WAIT).code(), "close code echoed to java-websocket");
                assertEquals(1000, b.awaitClose(WsClient.WAIT).code(), "close code echoed to jetty");
            }
            server.awaitCounterAtMost("connections", StatsSnapshot::connections, 0, Duration.ofSeconds(10));
        }
    }

    @CoreModels
    void unknownPathIs404WithPlainText(String model) {
        try (TestServer server = TestServer.start(model)) {
            for (String path : List.of("/nope", "/ws/extra", "/stats/x", "/static/does-not-exist.js")) {
                HttpResponse<String> response = server.httpGet(path);
                assertEquals(404, response.statusCode(), "GET " + path + ": " + response.body());
                assertFalse(response.body().isBlank(), "404 needs a short body");
                assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain"),
                        "404 Content-Type: " + response.headers().map());
            }
            server.awaitCounter("httpRejects", StatsSnapshot::httpRejects, 4, Duration.ofSeconds(5));
        }
    }

    @CoreModels
    void wrongMethodIs405(String model) {
        try (TestServer server = TestServer.start(model)) {
            List<HttpRequest.Builder> requests = List.of(
                    HttpRequest.newBuilder(server.http("/stats")).POST(HttpRequest.BodyPublishers.ofString("{}")),
                    HttpRequest.newBuilder(server.http("/")).DELETE(),
                    HttpRequest.newBuilder(server.http("/ws")).PUT(HttpRequest.BodyPublishers.ofString("x")),
                    HttpRequest.newBuilder(server.http("/stats")).method("PATCH", HttpRequest.BodyPublishers.noBody()));
            for (HttpRequest.Builder request : requests) {
                HttpRequest built = request.copy().build();
                HttpResponse<String> response = server.httpSend(request);
                assertEquals(405, response.statusCode(), built.method() + " " + built.uri().getPath() + ": " + response.body());
                assertEquals("GET", response.headers().firstValue("allow").orElse(null), "405 names what is allowed");
            }
            server.awaitCounter("httpRejects", StatsSnapshot::httpRejects, requests.size(), Duration.ofSeconds(5));
        }
    }

    @CoreModels
    void rootServesTheChatPage(String model) {
        try (TestServer server = TestServer.start(model)) {
            HttpResponse<String> response = server.httpGet("/");
            assertEquals(200, response.statusCode(), "GET /");
            assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/html"),
                    "GET / Content-Type: " + response.headers().map());
            assertTrue(response.body().toLowerCase(Locale.ROOT).contains("<html"), "GET / is an HTML page");
        }
    }
}
