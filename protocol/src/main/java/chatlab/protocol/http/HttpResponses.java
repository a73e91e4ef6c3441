package chatlab.protocol.http;

import java.nio.charset.StandardCharsets;

/** Response heads and small bodies, as bytes ready for the socket. Every answer closes the connection. */
public final class HttpResponses {

    private HttpResponses() {}

    public static byte[] text(int status, String body) {
        return response(status, "text/plain; charset=utf-8", body, "");
    }

    public static byte[] json(int status, String body) {
        return response(status, "application/json", body, "");
    }

    public static byte[] html(int status, String body) {
        return response(status, "text/html; charset=utf-8", body, "");
    }

    /** The answer to an {@link HttpException}, with the extra header 426 needs. */
    public static byte[] error(HttpException e) {
        String extra = e.status() == 426 ? "Sec-WebSocket-Version: 13\r\n" : "";
        return response(e.status(), "text/plain; charset=utf-8", e.getMessage() + "\n", extra);
    }

    /** 101 with the accept key: after these bytes the connection speaks WebSocket. */
    public static byte[] switchingProtocols(String acceptKey) {
        return ("HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + acceptKey + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    public static byte[] response(int status, String contentType, String body, String extraHeaders) {
        return response(status, contentType, body.getBytes(StandardCharsets.UTF_8), "Cache-Control: no-store\r\n" + extraHeaders);
    }

    /**
     * A response with any body and the caller's own headers (each ending in CRLF), which must
     * include its caching policy: nothing is added but the length and the connection's end.
     */
    public static byte[] response(int status, String contentType, byte[] content, String headers) {
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + "Content-Length: " + content.length + "\r\n"
                + headers
                + "Connection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[headBytes.length + content.length];
        System.arraycopy(headBytes, 0, out, 0, headBytes.length);
        System.arraycopy(content, 0, out, headBytes.length, content.length);
        return out;
    }

    /** 304: the client's cached copy is current. No body, and no Content-Length (RFC 9110 8.6). */
    public static byte[] notModified(String headers) {
        return ("HTTP/1.1 304 Not Modified\r\n" + headers + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 204 -> "No Content";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 426 -> "Upgrade Required";
            case 431 -> "Request Header Fields Too Large";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status " + status;
        };
    }
}
