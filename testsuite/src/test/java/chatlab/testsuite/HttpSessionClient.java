package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One session of PROTOCOL.md's HTTP transports, driven through the JDK's {@code HttpClient}:
 * {@code POST /session}, {@code POST /send}, and {@code GET /poll} with the session's own cursor
 * ({@code after}), so that a test reads the session's messages one by one like a WebSocket's.
 */
final class HttpSessionClient {

    final TestServer server;
    final String sid;
    /** The {@code last} of the latest poll: the next poll's {@code after}. */
    long after;
    private final Deque<JsonNode> received = new ArrayDeque<>();

    private HttpSessionClient(TestServer server, String sid) {
        this.server = server;
        this.sid = sid;
    }

    static HttpSessionClient open(TestServer server) {
        HttpResponse<String> response = server.httpSend(HttpRequest.newBuilder(server.http("/session"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, response.statusCode(), "POST /session: " + response.body());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"),
                "POST /session answers JSON: " + response.headers().map());
        JsonNode body = Json.parse(response.body());
        assertTrue(body.path("sid").isTextual() && !body.path("sid").asText().isEmpty(), "POST /session: " + body);
        return new HttpSessionClient(server, body.get("sid").asText());
    }

    /** {@code POST /send} with this exact body. */
    HttpResponse<String> post(String body) {
        return server.httpSend(HttpRequest.newBuilder(server.http("/send?sid=" + sid))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Sends one message, which must be answered 204. */
    void send(String message) {
        HttpResponse<String> response = post(message);
        assertEquals(204, response.statusCode(), "POST /send " + message + ": " + response.body());
    }

    /** Sends several messages as one JSON array, which must be answered 204. */
    void sendAll(String... messages) {
        send("[" + String.join(",", messages) + "]");
    }

    /** {@code GET /poll?sid=..&after=..&wait=..}, answered 200, as parsed JSON. */
    JsonNode poll(long from, int waitSeconds) {
        HttpResponse<String> response = server.httpGet("/poll?sid=" + sid + "&after=" + from + "&wait=" + waitSeconds);
        assertEquals(200, response.statusCode(), "GET /poll: " + response.body());
        JsonNode body = Json.parse(response.body());
        assertTrue(body.path("last").isIntegralNumber() && body.path("messages").isArray(), "poll answer: " + body);
        return body;
    }

    /** The next message of this session, long-polling (wait=1) from the cursor until one comes or {@link WsClient#WAIT} passes. */
    JsonNode next() {
        long deadline = System.nanoTime() + WsClient.WAIT.toNanos();
        while (received.isEmpty()) {
            if (System.nanoTime() > deadline) fail("session " + sid + ": nothing after " + after + " within " + WsClient.WAIT.toMillis() + " ms");
            JsonNode answer = poll(after, 1);
            long last = answer.get("last").asLong();
            assertEquals(after + answer.get("messages").size(), last,
                    "last counts the messages answered (no gap expected here): " + answer);
            answer.get("messages").forEach(received::add);
            after = last;
        }
        return received.poll();
    }

    /** The next message, which must be of this {@code type}. */
    JsonNode expect(String type) {
        JsonNode message = next();
        assertEquals(type, message.path("type").asText(), "session " + sid + ": expected '" + type + "', got " + message);
        return message;
    }

    /** The next message that is not {@code presence}. */
    JsonNode nextIgnoringPresence() {
        while (true) {
            JsonNode message = next();
            if (!"presence".equals(message.path("type").asText())) return message;
        }
    }
}
