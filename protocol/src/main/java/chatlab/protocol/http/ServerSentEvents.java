package chatlab.protocol.http;

import java.nio.charset.StandardCharsets;

/**
 * The {@code text/event-stream} format (HTML Living Standard, "Server-sent events"), server side:
 * the response head, one event per message with its number as {@code id}, and the comment line
 * that keeps an idle stream (and the proxies on its way) from timing out.
 */
public final class ServerSentEvents {

    /** A comment line and the blank line after it: no event, just bytes on an idle stream. */
    public static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * The response head. The stream is delimited by the connection's end (no length, no chunked
     * coding: the fewest bytes per event), so it is the last answer on its connection.
     */
    public static final byte[] HEAD = ("HTTP/1.1 200 OK\r\n"
            + "Content-Type: text/event-stream\r\n"
            + "Cache-Control: no-store\r\n"
            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);

    private ServerSentEvents() {}

    /**
     * {@code id: N}, then {@code data: JSON}, then a blank line. The chat's JSON never holds a
     * raw line break (JSON escapes them inside strings), so one {@code data:} line carries it whole.
     */
    public static byte[] event(long id, String json) {
        if (json.indexOf('\n') >= 0 || json.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("an event's data must be one line");
        }
        return ("id: " + id + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
