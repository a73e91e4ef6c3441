package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.StatsSnapshot;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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

    /**
     * The chat page and its files: their content types (a module script served as anything but
     * JavaScript is refused by the browser), a validator, and 304 for a copy that is current.
     * The core models and the Java peers serve them; node-ws does not.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("chatlab.testsuite.Models#servingThePage")
    void pageAndFilesHaveTheirTypesAndRevalidate(String model) {
        Map<String, String> types = Map.of(
                "/", "text/html",
                "/index.html", "text/html",
                "/static/chatlab.js", "text/javascript",
                "/static/transports/websocket.js", "text/javascript",
                "/static/chatlab.css", "text/css",
                "/static/favicon.svg", "image/svg+xml");
        try (TestServer server = TestServer.start(model)) {
            for (Map.Entry<String, String> expected : types.entrySet()) {
                String path = expected.getKey();
                HttpResponse<String> response = server.httpGet(path);
                assertEquals(200, response.statusCode(), model + " GET " + path);
                String type = response.headers().firstValue("content-type").orElse("");
                assertTrue(type.startsWith(expected.getValue()), "GET " + path + " Content-Type: " + type);
                assertFalse(response.body().isEmpty(), "GET " + path + " has a body");
                assertEquals("no-cache", response.headers().firstValue("cache-control").orElse(""), "GET " + path + " Cache-Control");
                String etag = response.headers().firstValue("etag").orElse("");
                assertTrue(etag.matches("\"[^\"]+\""), "GET " + path + " has a strong ETag: '" + etag + "'");

                HttpResponse<String> again = server.httpSend(HttpRequest.newBuilder(server.http(path)).header("If-None-Match", etag).GET());
                assertEquals(304, again.statusCode(), "GET " + path + " with If-None-Match of the current ETag");
                assertTrue(again.body().isEmpty(), "304 has no body");
                assertEquals(etag, again.headers().firstValue("etag").orElse(""), "304 repeats the ETag");

                HttpResponse<String> stale = server.httpSend(HttpRequest.newBuilder(server.http(path)).header("If-None-Match", "\"old\"").GET());
                assertEquals(200, stale.statusCode(), "GET " + path + " with an outdated ETag gets the file");
            }
            assertTrue(server.httpGet("/").body().contains("/static/page.js"), "the page loads its script");
        }
    }

    /** Names that try to leave the folder, hide, or escape, as a raw request puts them on the wire: 404, counted. */
    @CoreModels
    void pathTraversalAndUnknownFilesAre404(String model) throws Exception {
        List<String> targets = List.of("/static/../pom.xml", "/static/../../etc/passwd", "/static/%2e%2e/index.html",
                "/static/..%2Findex.html", "/static/.hidden", "/static/transports/../chatlab.js", "/static/a\\b.js",
                "/static/", "/static//chatlab.js", "/static/nope.js", "/index.htm");
        try (TestServer server = TestServer.start(model)) {
            long before = server.stats().httpRejects();
            for (String target : targets) {
                RawHttp.Reply reply = RawHttp.exchange(server.address,
                        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", Duration.ofSeconds(10));
                assertEquals(404, reply.status(), "GET " + target + ": " + reply);
                assertTrue(reply.header("content-type").startsWith("text/plain"), "GET " + target + ": " + reply);
            }
            server.awaitCounter("httpRejects", StatsSnapshot::httpRejects, before + targets.size(), Duration.ofSeconds(5));
            assertEquals(200, server.httpGet("/static/chatlab.js").statusCode(), "the real file is still served");
        }
    }

    /**
     * {@code ServerConfig.withWebOverlay} (serve --web, the exercise track's transport): a file the
     * directory has is served from it, read again on each request; the others come from the class
     * path; names that leave the folder are still 404.
     */
    @CoreModels
    void aWebOverlayServesItsOwnFilesInPlaceOfThePagesOwn(String model) throws Exception {
        java.nio.file.Path overlay = java.nio.file.Files.createTempDirectory("chatlab-web-overlay");
        java.nio.file.Path transport = overlay.resolve("static/transports/websocket.js");
        java.nio.file.Files.createDirectories(transport.getParent());
        java.nio.file.Files.writeString(transport, "// a student's transport, first version\n");
        java.nio.file.Files.writeString(overlay.resolve("secret.txt"), "not to be served\n");
        try (TestServer server = TestServer.start(model, ServerConfig.defaults().withWebOverlay(overlay))) {
            HttpResponse<String> mine = server.httpGet("/static/transports/websocket.js");
            assertEquals(200, mine.statusCode());
            assertEquals("// a student's transport, first version\n", mine.body(), "the overlay's file, not the page's own");
            assertTrue(mine.headers().firstValue("content-type").orElse("").startsWith("text/javascript"), mine.headers().toString());
            java.nio.file.Files.writeString(transport, "// second version\n");
            assertEquals("// second version\n", server.httpGet("/static/transports/websocket.js").body(), "read again on each request");
            HttpResponse<String> theirs = server.httpGet("/static/transports/sse.js");
            assertEquals(200, theirs.statusCode());
            assertTrue(theirs.body().contains("class SseTransport"), "a file the overlay lacks comes from the class path");
            RawHttp.Reply escape = RawHttp.exchange(server.address, "GET /static/../secret.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                    Duration.ofSeconds(10));
            assertEquals(404, escape.status(), "no way out of the folder: " + escape);
        }
    }

    /** {@code ServerConfig.withWebSocketChat(false)} (serve --no-ws): /ws is refused with 404, /echo still works. */
    @CoreModels
    void chatOverWebSocketCanBeTurnedOff(String model) throws Exception {
        try (TestServer server = TestServer.start(model, ServerConfig.defaults().withWebSocketChat(false))) {
            RawHttp.Reply reply = RawHttp.exchange(server.address, "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                    Duration.ofSeconds(10));
            assertEquals(404, reply.status(), "/ws with WebSocket chat turned off: " + reply);
            server.awaitCounter("httpRejects", StatsSnapshot::httpRejects, 1, Duration.ofSeconds(5));
            try (WsClient echo = WsClient.connect(WsClient.Kind.JAVA_WEBSOCKET, server.ws("/echo"))) {
                echo.send("still here");
                assertEquals("still here", echo.nextText(), "/echo is not affected");
            }
        }
    }
}
