package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.StatsSnapshot;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/1.1 as PROTOCOL.md's "HTTP transports" details it, for every plain-HTTP answer: persistent
 * connections, pipelined requests answered in order (also behind a held long poll),
 * {@code Connection: close} and HTTP/1.0, the keep-alive and request timeouts and the head limit
 * on every request of a connection, {@code Content-Length} and chunked bodies up to the message
 * limit, 413 past it, {@code Expect: 100-continue}. Plain sockets, because a real client hides
 * its connections and refuses to send the bad requests.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpKeepAliveTest {

    static final Duration ENDS_WITHIN = Duration.ofSeconds(5);

    @CoreModels
    void oneConnectionCarriesPipelinedRequestsAnsweredInOrder(String model) throws IOException {
        try (TestServer server = TestServer.start(model);
             RawHttpConnection connection = RawHttpConnection.open(server)) {
            connection.write(RawHttpConnection.request("POST", "/session", "")
                    + RawHttpConnection.request("GET", "/stats", null)
                    + RawHttpConnection.request("GET", "/nope", null)
                    + RawHttpConnection.request("GET", "/", null));
            RawHttp.Reply session = connection.read();
            assertEquals(200, session.status(), session.toString());
            String sid = Json.parse(session.bodyText()).path("sid").asText();
            RawHttp.Reply stats = connection.read();
            assertEquals(200, stats.status(), stats.toString());
            assertEquals(model, Json.parse(stats.bodyText()).path("model").asText());
            assertEquals(404, connection.read().status(), "a refused request leaves the connection usable");
            RawHttp.Reply page = connection.read();
            assertEquals(200, page.status(), page.toString());
            assertTrue(page.header("content-type").startsWith("text/html"), page.toString());
            assertNull(page.header("connection"), "HTTP/1.1 persists without saying so: " + page);

            String join = Json.join("pipe", "raw");
            connection.write(RawHttpConnection.request("POST", "/send?sid=" + sid, join)
                    + RawHttpConnection.request("GET", "/poll?sid=" + sid + "&after=0&wait=0", null));
            assertEquals(204, connection.read().status());
            JsonNode poll = Json.parse(connection.read().bodyText());
            assertEquals("joined", poll.get("messages").get(0).path("type").asText(), poll.toString());
            assertEquals(1, server.stats().httpConnections(), "all of it on one connection");
        }
    }

    @CoreModels
    void requestsPipelinedBehindAHeldPollWaitForItsAnswer(String model) throws IOException {
        try (TestServer server = TestServer.start(model);
             RawHttpConnection connection = RawHttpConnection.open(server)) {
            connection.write(RawHttpConnection.request("POST", "/session", ""));
            String sid = Json.parse(connection.read().bodyText()).path("sid").asText();
            long start = System.nanoTime();
            connection.write(RawHttpConnection.request("GET", "/poll?sid=" + sid + "&after=0&wait=1", null)
                    + RawHttpConnection.request("POST", "/send?sid=" + sid, Json.join("behind", "raw"))
                    + RawHttpConnection.request("GET", "/poll?sid=" + sid + "&after=0&wait=0", null));
            RawHttp.Reply held = connection.read();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(200, held.status(), held.toString());
            assertEquals("{\"last\":0,\"messages\":[]}", held.bodyText(),
                    "the /send behind the poll was not handled before the poll's answer");
            assertTrue(millis >= 900, "the poll was held (wait=1), answered after " + millis + " ms");
            assertEquals(204, connection.read().status());
            JsonNode after = Json.parse(connection.read().bodyText());
            assertEquals(1, after.get("last").asLong(), after.toString());
        }
    }

    @CoreModels
    void connectionCloseAndHttp10AreHonoured(String model) throws IOException {
        try (TestServer server = TestServer.start(model)) {
            assertAnsweredThenClosed(server, RawHttpConnection.request("GET", "/stats", null, "Connection: close"),
                    "the server closes after Connection: close");
            assertAnsweredThenClosed(server, "GET /stats HTTP/1.0\r\n\r\n", "HTTP/1.0 without keep-alive ends after one answer");
            try (RawHttpConnection connection = RawHttpConnection.open(server)) {
                connection.write("GET /stats HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                RawHttp.Reply reply = connection.read();
                assertEquals("keep-alive", reply.header("connection").toLowerCase(Locale.ROOT), reply.toString());
                connection.write("GET /stats HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                assertEquals(200, connection.read().status(), "HTTP/1.0 with keep-alive carries on");
            }
        }
    }

    private static void assertAnsweredThenClosed(TestServer server, String request, String why) throws IOException {
        try (RawHttpConnection connection = RawHttpConnection.open(server)) {
            connection.write(request);
            RawHttp.Reply reply = connection.read();
            assertEquals(200, reply.status(), reply.toString());
            assertEquals("close", reply.header("connection").toLowerCase(Locale.ROOT), reply.toString());
            assertTrue(connection.awaitEnd(ENDS_WITHIN) >= 0, why);
        }
    }

    @CoreModels
    void anIdlePersistentConnectionIsClosedAfterTheKeepAliveTimeout(String model) throws IOException {
        ServerConfig config = ServerConfig.defaults().withKeepAliveTimeout(Duration.ofMillis(500));
        try (TestServer server = TestServer.start(model, config);
             RawHttpConnection connection = RawHttpConnection.open(server)) {
            connection.write(RawHttpConnection.request("GET", "/stats", null));
            assertEquals(200, connection.read().status());
            long millis = connection.awaitEnd(ENDS_WITHIN);
            assertTrue(millis >= 0, "an idle persistent connection was never closed");
            server.awaitCounter("idleCloses", StatsSnapshot::idleCloses, 1, Duration.ofSeconds(5));
            assertEquals(0, server.stats().headTimeouts(), "waiting between requests is not a slow request");
        }
    }

    @CoreModels
    void theRequestTimeoutAndTheHeadLimitApplyToEveryRequestOfAConnection(String model) throws IOException {
        ServerConfig config = ServerConfig.defaults().withHeadTimeout(Duration.ofSeconds(1));
        try (TestServer server = TestServer.start(model, config)) {
            try (RawHttpConnection connection = RawHttpConnection.open(server)) {
                connection.write(RawHttpConnection.request("GET", "/stats", null));
                assertEquals(200, connection.read().status());
                connection.write("GET /stats HTTP/1.1\r\nHost: x\r\n"); // never finished
                assertTrue(connection.awaitEnd(ENDS_WITHIN) >= 0, "a second request that never ends was never cut off");
                server.awaitCounter("headTimeouts", StatsSnapshot::headTimeouts, 1, Duration.ofSeconds(5));
            }
            try (RawHttpConnection connection = RawHttpConnection.open(server)) {
                connection.write(RawHttpConnection.request("POST", "/send?sid=x", null, "Content-Length: 10") + "12345");
                assertTrue(connection.awaitEnd(ENDS_WITHIN) >= 0, "a body that never ends was never cut off");
                server.awaitCounter("headTimeouts", StatsSnapshot::headTimeouts, 2, Duration.ofSeconds(5));
            }
            try (RawHttpConnection connection = RawHttpConnection.open(server)) {
                connection.write(RawHttpConnection.request("GET", "/stats", null));
                assertEquals(200, connection.read().status());
                connection.write(RawHttpConnection.request("GET", "/stats", null, "X-Padding: " + "a".repeat(9 * 1024)));
                RawHttp.Reply reply = connection.read();
                assertEquals(431, reply.status(), reply.toString());
                assertTrue(connection.awaitEnd(ENDS_WITHIN) >= 0, "431 closes");
            }
        }
    }

    @CoreModels
    void chunkedBodiesAreReadUpToTheLimit(String model) throws IOException {
        try (TestServer server = TestServer.start(model);
             RawHttpConnection connection = RawHttpConnection.open(server)) {
            connection.write(RawHttpConnection.request("POST", "/session", ""));
            String sid = Json.parse(connection.read().bodyText()).path("sid").asText();
            byte[] join = Json.join("chunks", "raw").getBytes(StandardCharsets.UTF_8);
            String first = new String(join, 0, 10, StandardCharsets.UTF_8);
            String rest = new String(join, 10, join.length - 10, StandardCharsets.UTF_8);
            connection.write("POST /send?sid=" + sid + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(first.length()) + ";ext=1\r\n" + first + "\r\n");
            connection.write(Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n0\r\nX-Trailer: t\r\n\r\n");
            assertEquals(204, connection.read().status());
            connection.write(RawHttpConnection.request("GET", "/poll?sid=" + sid, null));
            assertEquals("joined", Json.parse(connection.read().bodyText()).get("messages").get(0).path("type").asText());

            // Past the limit (64 KiB by default): 413, and the rest is not read.
            String chunk = "x".repeat(16 * 1024);
            StringBuilder tooMuch = new StringBuilder("POST /send?sid=" + sid + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 5; i++) tooMuch.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
            connection.write(tooMuch.toString());
            RawHttp.Reply reply = connection.read();
            assertEquals(413, reply.status(), reply.toString());
            Json.assertError(reply.header("content-type"), reply.bodyText());
            assertTrue(connection.awaitEnd(ENDS_WITHIN) >= 0, "413 closes");
        }
    }

    @CoreModels
    void aContentLengthOverTheLimitIs413AtOnceAndTheBodyIsNeverAwaited(String model) throws IOException {
        try (TestServer server = TestServer.start(model);
             RawHttpConnection connection = RawHttpConnection.open(server)) {
            connection.write("POST /send?sid=x HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n");
            RawHttp.Reply reply = connection.read();
            assertEquals(413, reply.status(), "answered before any of the 100 MB: " + reply);
            assertEquals("close", reply.header("connection").toLowerCase(Locale.ROOT), reply.toString());
            assertTrue(connection.awaitEnd(ENDS_WITHIN) >= 0, "413 closes");
            server.awaitCounter("httpRejects", StatsSnapshot::httpRejects, 1, Duration.ofSeconds(5));
        }
    }

    @CoreModels
    void ambiguousFramingIs400AndCloses(String model) throws IOException {
        try (TestServer server = TestServer.start(model);
             RawHttpConnection connection = RawHttpConnection.open(server)) {
            connection.write("POST /send?sid=x HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
            RawHttp.Reply reply = connection.read();
            assertEquals(400, reply.status(), reply.toString());
            assertTrue(connection.awaitEnd(ENDS_WITHIN) >= 0, "a request that could be read two ways closes");
        }
    }

    @CoreModels
    void realClientsBodiesWorkChunkedAndWithExpectContinue(String model) {
        try (TestServer server = TestServer.start(model)) {
            HttpSessionClient http = HttpSessionClient.open(server);
            byte[] join = Json.join("real", "jdk").getBytes(StandardCharsets.UTF_8);
            // A body of unknown length: the JDK's client sends it chunked.
            HttpResponse<String> chunked = server.httpSend(HttpRequest.newBuilder(server.http("/send?sid=" + http.sid))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(join))));
            assertEquals(204, chunked.statusCode(), chunked.body());
            HttpResponse<String> expecting = server.httpSend(HttpRequest.newBuilder(server.http("/send?sid=" + http.sid))
                    .expectContinue(true)
                    .POST(HttpRequest.BodyPublishers.ofString(Json.say("real", "after 100", "e-1"))));
            assertEquals(204, expecting.statusCode(), expecting.body());
            assertEquals("joined", http.expect("joined").path("type").asText());
            assertEquals("after 100", http.expect("message").path("text").asText());
        }
    }
}
