package chatlab.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.chat.LabRunner;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The HTTP side of {@link ServerConnection}, sans-I/O: bytes fed in, the queued bytes read back. */
class ServerConnectionHttpTest {

    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 \\d{3} [A-Za-z ]+(?=\r\n)");
    private static final Pattern SID = Pattern.compile("\"sid\":\"([^\"]+)\"");

    private final ServerContext context = ServerContext.create("test",
            ServerConfig.defaults().withMaxMessageBytes(1024).withSseHeartbeat(Duration.ofSeconds(15)));

    /** A model that only records what the connection asks of it. */
    private static final class Recorder implements ServerConnection.Transport {
        int pollReady;
        Duration closing;

        @Override public void outboundReady() { }
        @Override public void closing(Duration grace) { closing = grace; }
        @Override public void pollReady() { pollReady++; }
    }

    private final Recorder transport = new Recorder();
    private final ServerConnection connection = new ServerConnection(context, transport, LabRunner.INLINE);

    private static void feed(ServerConnection c, String bytes) {
        c.onRead(ByteBuffer.wrap(bytes.getBytes(StandardCharsets.UTF_8)));
    }

    /** Everything queued so far, as text. */
    private static String drain(ServerConnection c) {
        StringBuilder out = new StringBuilder();
        byte[] b;
        while ((b = c.outbound().poll()) != null) {
            out.append(new String(b, StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    private static List<String> statusLines(String responses) {
        List<String> lines = new ArrayList<>();
        Matcher m = STATUS_LINE.matcher(responses);
        while (m.find()) lines.add(m.group());
        return lines;
    }

    private String newSession(ServerConnection c) {
        feed(c, "POST /session HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        Matcher m = SID.matcher(drain(c));
        assertTrue(m.find());
        return m.group(1);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnOneConnection() {
        String sid = newSession(connection);
        String join = "{\"type\":\"join\",\"room\":\"r\",\"name\":\"n\"}";
        feed(connection, "POST /send?sid=" + sid + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + join.length() + "\r\n\r\n" + join
                + "GET /poll?sid=" + sid + "&after=0 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /stats HTTP/1.1\r\nHost: x\r\n\r\n");
        String out = drain(connection);
        assertEquals(List.of("HTTP/1.1 204 No Content", "HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK"), statusLines(out));
        assertTrue(out.contains("{\"last\":1,\"messages\":[{\"type\":\"joined\""), out);
        assertFalse(out.contains("Connection: close"), "all persistent: " + out);
        assertNull(transport.closing);
    }

    @Test
    void http10WithoutKeepAliveAndConnectionCloseEndTheConnection() {
        feed(connection, "GET /stats HTTP/1.0\r\n\r\nGET /stats HTTP/1.0\r\n\r\n");
        String out = drain(connection);
        assertEquals(1, statusLines(out).size(), "nothing after the answer that closes: " + out);
        assertTrue(out.contains("Connection: close\r\n"));
        assertNotNull(transport.closing);

        Recorder other = new Recorder();
        ServerConnection keepAlive10 = new ServerConnection(context, other, LabRunner.INLINE);
        feed(keepAlive10, "GET /stats HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        String both = drain(keepAlive10);
        assertEquals(2, statusLines(both).size());
        assertTrue(both.indexOf("Connection: keep-alive") < both.indexOf("Connection: close"), both);
        assertNotNull(other.closing);
    }

    @Test
    void aBodyOverTheLimitIs413WithAJsonErrorAndCloses() {
        feed(connection, "POST /send?sid=x HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
        String out = drain(connection);
        assertTrue(out.startsWith("HTTP/1.1 413 "), out);
        assertTrue(out.contains("{\"error\":"), out);
        assertTrue(out.contains("Connection: close"), out);
        assertNotNull(transport.closing);
        assertEquals(1, context.stats().httpRejects());
    }

    @Test
    void expectContinueGetsA100BeforeTheBody() {
        String sid = newSession(connection);
        feed(connection, "POST /send?sid=" + sid + " HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
        assertEquals("HTTP/1.1 100 Continue\r\n\r\n", drain(connection));
        feed(connection, "[]");
        assertTrue(drain(connection).startsWith("HTTP/1.1 204 "));
    }

    @Test
    void aHeldPollIsAnsweredByAMessageAndThePipelinedRequestFollowsIt() {
        String sid = newSession(connection);
        String join = "{\"type\":\"join\",\"room\":\"r\",\"name\":\"n\"}";
        feed(connection, "POST /send?sid=" + sid + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + join.length() + "\r\n\r\n" + join);
        drain(connection);

        feed(connection, "GET /poll?sid=" + sid + "&after=1&wait=30 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /poll?sid=" + sid + "&after=0 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals("", drain(connection), "held, and the second waits behind it");
        assertNotNull(connection.heldPoll());
        assertEquals(1, context.stats().pollsHeld());
        assertTrue(connection.inputRoom() < ServerConnection.PENDING_LIMIT, "the pipelined request waits in the buffer");

        ServerConnection speaker = new ServerConnection(context, new Recorder(), LabRunner.INLINE);
        String sid2 = newSession(speaker);
        String body = "[{\"type\":\"join\",\"room\":\"r\",\"name\":\"m\"}]";
        feed(speaker, "POST /send?sid=" + sid2 + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        assertEquals(1, transport.pollReady, "the session told the transport");

        connection.answerHeldPoll();
        String out = drain(connection);
        assertEquals(2, statusLines(out).size(), out);
        int first = out.indexOf("{\"last\":2,\"messages\":[{\"type\":\"presence\"");
        int second = out.indexOf("{\"last\":2,\"messages\":[{\"type\":\"joined\"");
        assertTrue(first > 0 && second > first, "poll answer, then the pipelined one: " + out);
        assertNull(connection.heldPoll());
        assertEquals(0, context.stats().pollsHeld());
    }

    @Test
    void aHeldPollEndsEmptyAtItsDeadline() {
        String sid = newSession(connection);
        feed(connection, "GET /poll?sid=" + sid + "&wait=1 HTTP/1.1\r\nHost: x\r\n\r\n");
        long deadline = connection.deadline();
        assertEquals(deadline, connection.heldPoll().deadlineNanos());
        assertFalse(connection.onDeadline(deadline));
        assertTrue(drain(connection).endsWith("{\"last\":0,\"messages\":[]}"));
    }

    @Test
    void aVanishedPollerLeavesNothingBehind() {
        String sid = newSession(connection);
        feed(connection, "GET /poll?sid=" + sid + "&wait=30 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(1, context.stats().pollsHeld());
        connection.onGone();
        StatsSnapshot stats = context.stats();
        assertEquals(0, stats.pollsHeld());
        assertEquals(0, stats.httpConnections());
        assertEquals(1, stats.httpSessions(), "the session stays until it expires");
    }

    @Test
    void anEventStreamReplaysSendsIdsAndHeartbeats() {
        String sid = newSession(connection);
        String join = "{\"type\":\"join\",\"room\":\"r\",\"name\":\"n\"}";
        ServerConnection sender = new ServerConnection(context, new Recorder(), LabRunner.INLINE);
        feed(sender, "POST /send?sid=" + sid + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + join.length() + "\r\n\r\n" + join);
        feed(connection, "GET /events?sid=" + sid + " HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 0\r\n\r\n");
        String head = drain(connection);
        assertTrue(head.startsWith("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"), head);
        assertTrue(head.endsWith("id: 1\ndata: {\"type\":\"joined\",\"room\":\"r\",\"name\":\"n\",\"members\":1}\n\n"), head);
        assertEquals(1, context.stats().sseStreams());

        String say = "{\"type\":\"say\",\"room\":\"r\",\"text\":\"hi\"}";
        feed(sender, "POST /send?sid=" + sid + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + say.length() + "\r\n\r\n" + say);
        assertTrue(drain(connection).startsWith("id: 2\ndata: {\"type\":\"message\""));

        assertFalse(connection.onDeadline(connection.deadline()));
        assertEquals(": heartbeat\n\n", drain(connection));
        connection.onGone();
        assertEquals(0, context.stats().sseStreams());
    }

    @Test
    void theFirstRequestHasTheHeadTimeoutAndAnIdlePersistentConnectionTheKeepAliveTimeout() {
        long opened = connection.deadline() - context.config().headTimeout().toNanos();
        assertTrue(Math.abs(System.nanoTime() - opened) < TimeUnit.SECONDS.toNanos(5));
        feed(connection, "GET /stats HTTP/1.1\r\nHost: x\r\n\r\n");
        drain(connection);
        long idleDeadline = connection.deadline();
        assertTrue(idleDeadline - System.nanoTime() > context.config().headTimeout().toNanos(), "keep-alive timeout, longer");
        assertTrue(connection.onDeadline(idleDeadline), "the model drops it");
        assertEquals(1, context.stats().idleCloses());
        assertEquals(0, context.stats().headTimeouts());

        ServerConnection silent = new ServerConnection(context, new Recorder(), LabRunner.INLINE);
        assertTrue(silent.onDeadline(silent.deadline()));
        assertEquals(1, context.stats().headTimeouts());
    }
}
