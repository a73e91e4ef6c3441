package chatlab.protocol.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP response before it is written: status, body, and the header lines it needs beyond the
 * ones every answer carries. Whether the connection stays open is decided by whoever writes it
 * ({@link #toBytes}), because that depends on the request and on what went wrong, not on the answer.
 */
public record Response(int status, String contentType, byte[] body, String extraHeaders) {

    /** The {@code Connection} header an answer carries (RFC 9112 9.3 and 9.6). */
    public enum Connection {
        /** The server closes after this answer. */
        CLOSE,
        /** An HTTP/1.0 client asked to keep the connection, and it is kept. */
        KEEP_ALIVE,
        /** HTTP/1.1: persistent unless said otherwise, so nothing to say. */
        PERSISTENT
    }

    public static Response text(int status, String body) {
        return new Response(status, "text/plain; charset=utf-8", utf8(body), "");
    }

    public static Response json(int status, String body) {
        return new Response(status, "application/json", utf8(body), "");
    }

    public static Response html(int status, String body) {
        return new Response(status, "text/html; charset=utf-8", utf8(body), "");
    }

    /** 204: no body, and (RFC 9110 8.6) no Content-Length either. */
    public static Response noContent() {
        return new Response(204, null, null, "");
    }

    /** The answer to an {@link HttpException}: plain text, or {@code {"error":"..."}} on the JSON endpoints. */
    public static Response error(HttpException e, boolean json) {
        Response base = json ? json(e.status(), jsonError(e.getMessage())) : text(e.status(), e.getMessage() + "\n");
        return new Response(base.status, base.contentType, base.body, e.extraHeaders());
    }

    /** {@code {"error":"..."}} with the message escaped as a JSON string. */
    public static String jsonError(String message) {
        return "{\"error\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(message)) + "\"}";
    }

    /** Status line, headers and body, ready for the socket. */
    public byte[] toBytes(Connection connection) {
        StringBuilder head = new StringBuilder(160)
                .append("HTTP/1.1 ").append(status).append(' ').append(HttpResponses.reason(status)).append("\r\n");
        if (contentType != null) head.append("Content-Type: ").append(contentType).append("\r\n");
        if (body != null) head.append("Content-Length: ").append(body.length).append("\r\n");
        // An answer that states its own caching (the page's files) keeps it; any other is never stored.
        if (!statesCaching(extraHeaders)) head.append("Cache-Control: no-store\r\n");
        head.append(extraHeaders);
        switch (connection) {
            case CLOSE -> head.append("Connection: close\r\n");
            case KEEP_ALIVE -> head.append("Connection: keep-alive\r\n");
            case PERSISTENT -> { }
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (body == null || body.length == 0) return headBytes;
        byte[] out = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, out, 0, headBytes.length);
        System.arraycopy(body, 0, out, headBytes.length, body.length);
        return out;
    }

    private static boolean statesCaching(String headerLines) {
        for (String line : headerLines.split("\r\n")) {
            if (line.regionMatches(true, 0, "Cache-Control:", 0, 14)) return true;
        }
        return false;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
