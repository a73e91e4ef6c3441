package chatlab.protocol.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed HTTP/1.1 request head.
 *
 * @param headers header names in lower case; a repeated header keeps every value, in order
 */
public record RequestHead(String method, String target, String version, Map<String, List<String>> headers) {

    /** The first value of a header (name in any case), or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Every value of a header joined with commas, as RFC 9110 5.3 allows, or null. */
    public String headerJoined(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : String.join(",", values);
    }

    /** Whether the request line says HTTP/1.0 (no persistence unless asked, no chunked bodies). */
    public boolean isHttp10() {
        return "HTTP/1.0".equals(version);
    }

    /**
     * Whether the client lets the connection carry another request after this one (RFC 9112 9.3):
     * HTTP/1.1 unless it says {@code Connection: close}; HTTP/1.0 only if it says {@code keep-alive}.
     */
    public boolean persistent() {
        String connection = headerJoined("connection");
        if (isHttp10()) return Handshake.hasToken(connection, "keep-alive");
        return !Handshake.hasToken(connection, "close");
    }

    /** The path part of the target, without the query. */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** The query string without '?', or "" when there is none. */
    public String query() {
        int q = target.indexOf('?');
        return q < 0 ? "" : target.substring(q + 1);
    }
}
