package chatlab.protocol.http;

import java.nio.charset.StandardCharsets;

/** Fixed answers as bytes ready for the socket, and the reason phrases. */
public final class HttpResponses {

    /** The interim answer to {@code Expect: 100-continue} (RFC 9110 10.1.1): send the body. */
    public static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private HttpResponses() {}

    /** A complete answer with {@code Connection: close}, for a server that ends the exchange after it. */
    public static byte[] response(int status, String contentType, String body, String extraHeaders) {
        return new Response(status, contentType, body.getBytes(StandardCharsets.UTF_8), extraHeaders)
                .toBytes(Response.Connection.CLOSE);
    }

    /** 101 with the accept key: after these bytes the connection speaks WebSocket. */
    public static byte[] switchingProtocols(String acceptKey) {
        return ("HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + acceptKey + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 204 -> "No Content";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 426 -> "Upgrade Required";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status " + status;
        };
    }
}
