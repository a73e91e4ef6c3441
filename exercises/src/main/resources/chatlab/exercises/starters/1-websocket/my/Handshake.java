package my;

import chatlab.protocol.http.HttpException;
import chatlab.protocol.http.OpeningHandshake;
import chatlab.protocol.http.RequestHead;

/**
 * Exercise 1, the server's side: the upgrade from HTTP to WebSocket (RFC 6455, section 4.2.2).
 *
 * <p>When a browser opens {@code new WebSocket("ws://host/ws")}, it sends an HTTP request that
 * asks to switch protocols. The server parses it and hands it to {@link #accept}; the bytes you
 * return are the response, and from the next byte on the connection carries WebSocket frames.
 * Here you write the path a browser takes: a valid request, answered {@code 101}. Exercise 2
 * takes the same class on to refuse every malformed request with its status.
 *
 * <p>Check it, with your transport: {@code ./chatlab exercise check 1}. The page:
 * docs/exercises/1-websocket.md.
 */
public class Handshake implements OpeningHandshake {

    /** RFC 6455 section 1.3: what every server appends to the client's key before hashing. */
    static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    @Override
    public byte[] accept(RequestHead request) throws HttpException {
        // TODO 1 (4.2.2, item 5.4): the client's key is request.header("sec-websocket-key"); the accept
        //        value is base64(SHA-1(key + GUID)) (java.security.MessageDigest, java.util.Base64).
        //        A request without a key cannot be answered: throw new HttpException(400, "missing Sec-WebSocket-Key").
        // TODO 2 (4.2.2, item 5): the response, as ISO-8859-1 bytes: the status line
        //        "HTTP/1.1 101 Switching Protocols", then "Upgrade: websocket", "Connection: Upgrade" and
        //        "Sec-WebSocket-Accept: <accept value>", each line ending in \r\n, and an empty line to end the head.
        throw new UnsupportedOperationException("accept is not written yet (TODO 1 and 2)");
    }
}
