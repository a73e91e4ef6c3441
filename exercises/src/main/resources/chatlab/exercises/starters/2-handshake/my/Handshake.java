package my;

import chatlab.protocol.http.HttpException;
import chatlab.protocol.http.OpeningHandshake;
import chatlab.protocol.http.RequestHead;

/**
 * Exercise 2: the server side of the WebSocket opening handshake (RFC 6455, section 4.2).
 *
 * <p>The server reads the request head for you and hands it over parsed: {@link RequestHead}
 * has the method, the target, the version and the headers ({@code request.header("upgrade")},
 * any case; {@code request.headerJoined("connection")} joins a repeated header with commas).
 * Your job: decide whether it is a valid upgrade request, and answer.
 *
 * <ul>
 *   <li>Valid: return the bytes of the {@code 101 Switching Protocols} response. The server
 *       sends them, and from the next byte on the connection speaks WebSocket.</li>
 *   <li>Not valid: {@code throw new HttpException(status, message)}. The server answers with
 *       that status and your message as a plain-text body: 400 when a field is missing or
 *       wrong (the message must name the field, the tests look for it), 426 for a version
 *       other than 13. A 426 must tell the client which version to use, in a header line you
 *       pass along: {@code new HttpException(426, message, "Sec-WebSocket-Version: 13\r\n")}.</li>
 * </ul>
 *
 * <p>Check it: {@code ./chatlab exercise check 2}. The page: docs/exercises/2-handshake.md.
 */
public class Handshake implements OpeningHandshake {

    /** RFC 6455 section 1.3: what every server appends to the client's key before hashing. */
    static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    @Override
    public byte[] accept(RequestHead request) throws HttpException {
        // TODO 1 (4.2.1, items 1-2): a GET, over HTTP/1.1, with a Host header.
        // TODO 2 (4.2.1, items 3-4): Upgrade is "websocket" in any case; Connection holds the token
        //        "upgrade" in any case, perhaps among others ("keep-alive, Upgrade").
        // TODO 3 (4.2.1, item 5): Sec-WebSocket-Key is base64 (java.util.Base64) of exactly 16 bytes.
        // TODO 4 (4.2.1 item 6, and 4.4): Sec-WebSocket-Version is 13; else 426 with the header line
        //        "Sec-WebSocket-Version: 13\r\n" (the third argument of HttpException).
        // TODO 5 (4.2.2, item 5): the response. Its status line, then Upgrade: websocket,
        //        Connection: Upgrade and Sec-WebSocket-Accept: base64(SHA-1(key + GUID))
        //        (java.security.MessageDigest), each line ending in \r\n, and an empty line to end
        //        the head. Header bytes are ISO-8859-1.
        throw new UnsupportedOperationException("accept is not written yet (TODO 1 to 5)");
    }
}
