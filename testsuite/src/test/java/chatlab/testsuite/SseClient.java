package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A {@code GET /events} stream read from a plain socket, parsed as the HTML standard's event-stream
 * format: {@code id:}, {@code data:}, comment lines, events ended by a blank line. A plain socket
 * because the tests need what a browser's {@code EventSource} hides: the raw comment lines, the
 * {@code Last-Event-ID} header, and a reader that stops reading.
 */
final class SseClient implements AutoCloseable {

    /** One event: its {@code id} and its {@code data}. */
    record Event(long id, String data) {}

    final Socket socket;
    final RawHttp.Reply head;
    private final InputStream in;
    private String lastComment;

    private SseClient(Socket socket, RawHttp.Reply head) throws IOException {
        this.socket = socket;
        this.head = head;
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    /**
     * Opens a stream and reads the response head.
     *
     * @param query         e.g. {@code sid=S&after=3}
     * @param lastEventId   sent as {@code Last-Event-ID} when not null
     * @param receiveBuffer the socket's receive buffer in bytes, or 0 for the kernel's default
     */
    static SseClient open(TestServer server, String query, String lastEventId, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) socket.setReceiveBufferSize(receiveBuffer);
        socket.connect(server.address, 5000);
        socket.setSoTimeout((int) WsClient.WAIT.toMillis());
        String request = "GET /events?" + query + " HTTP/1.1\r\nHost: " + TestServer.HOST + "\r\nAccept: text/event-stream\r\n"
                + (lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n") + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        RawHttp.Reply head = RawHttp.readHead(socket.getInputStream());
        return new SseClient(socket, head);
    }

    /** Opens a stream that must be accepted: 200, {@code text/event-stream}. */
    static SseClient accepted(TestServer server, String query, String lastEventId) throws IOException {
        SseClient client = open(server, query, lastEventId, 0);
        assertEquals(200, client.head.status(), "GET /events?" + query + ": " + client.head);
        String type = client.head.header("content-type");
        assertTrue(type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream"), "Content-Type: " + client.head);
        return client;
    }

    /** The next event (comments are noted and skipped), or a failure after {@code timeout}. */
    Event next(Duration timeout) {
        socket(timeout);
        try {
            Event event = nextOrNull();
            if (event == null) fail("the event stream ended");
            return event;
        } catch (SocketTimeoutException e) {
            fail("no event within " + timeout.toMillis() + " ms");
            return null;
        } catch (IOException e) {
            throw new AssertionError("reading the event stream failed", e);
        }
    }

    /** The next comment line (e.g. the heartbeat), skipping events, or a failure after {@code timeout}. */
    String nextComment(Duration timeout) {
        socket(timeout);
        try {
            while (true) {
                String line = readLine();
                if (line == null) fail("the event stream ended before a comment line");
                if (line.startsWith(":")) return line;
            }
        } catch (SocketTimeoutException e) {
            fail("no comment line within " + timeout.toMillis() + " ms");
            return null;
        } catch (IOException e) {
            throw new AssertionError("reading the event stream failed", e);
        }
    }

    /** Hands every event's data to {@code sink} on a thread of its own until the stream ends. */
    Thread pump(Consumer<String> sink) {
        return Thread.ofVirtual().start(() -> {
            while (true) {
                try {
                    socket.setSoTimeout(0);
                } catch (SocketException e) {
                    return;
                }
                Event event;
                try {
                    event = nextOrNull();
                } catch (IOException e) {
                    return;
                }
                if (event == null) return;
                sink.accept(event.data());
            }
        });
    }

    /**
     * Reads (and drops) whatever comes until the server ends the stream: milliseconds taken, or -1
     * if it was still open after {@code timeout}.
     */
    long awaitEnd(Duration timeout) throws IOException {
        return RawHttp.awaitEnd(socket, in, timeout);
    }

    String lastComment() {
        return lastComment;
    }

    /** The next event, or null when the stream ends. */
    private Event nextOrNull() throws IOException {
        long id = -1;
        StringBuilder data = null;
        while (true) {
            String line = readLine();
            if (line == null) return null;
            if (line.isEmpty()) {
                if (data != null) return new Event(id, data.toString());
                continue;
            }
            if (line.startsWith(":")) {
                lastComment = line;
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) value = value.substring(1);
            switch (field) {
                case "id" -> id = Long.parseLong(value);
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> { }
            }
        }
    }

    private void socket(Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
        } catch (SocketException e) {
            throw new AssertionError(e);
        }
    }

    /** A line ended by LF (a CR before it dropped), or null at the end of the stream. */
    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b;
            try {
                b = in.read();
            } catch (SocketException e) {
                return null; // reset: the stream is over
            }
            if (b < 0) {
                if (line.size() == 0) return null;
                throw new EOFException("the stream ended inside a line");
            }
            if (b == '\n') break;
            line.write(b);
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a test's socket: nothing to report
        }
    }
}
