package chatlab.protocol.client;

import chatlab.protocol.http.Handshake;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The client side of the RFC 6455 opening handshake (section 4.1): the upgrade request with a
 * fresh {@code Sec-WebSocket-Key} (16 bytes from a {@link SecureRandom}, base64), and the check of
 * the server's response head as its bytes arrive, in any split. One per connection attempt.
 */
public final class ClientHandshake {

    private final byte[] request;
    private final String expectedAccept;
    private final ResponseHeadParser head = new ResponseHeadParser();

    /**
     * @param host the {@code Host} header's host (an IPv6 literal is bracketed here)
     * @param port the server's port
     * @param path the request target, for example {@code /ws}
     */
    public ClientHandshake(String host, int port, String path, SecureRandom random) {
        byte[] keyBytes = new byte[16];
        random.nextBytes(keyBytes);
        String key = Base64.getEncoder().encodeToString(keyBytes);
        this.expectedAccept = Handshake.acceptKey(key);
        String hostHeader = (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
        this.request = ("GET " + path + " HTTP/1.1\r\n"
                + "Host: " + hostHeader + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The request to send, once. */
    public byte[] request() { return request.clone(); }

    /** {@code Sec-WebSocket-Accept} as the server must send it: base64(SHA-1(key + GUID)). */
    public String expectedAccept() { return expectedAccept; }

    /**
     * Consumes response bytes up to the end of the head (the blank line) and leaves what follows
     * (the server's first frames) in {@code in}.
     *
     * @return true once the head is complete and accepted; false while more bytes are needed
     * @throws HandshakeException when the head is complete and refuses or breaks the handshake
     */
    public boolean feed(ByteBuffer in) throws HandshakeException {
        ResponseHead response;
        try {
            response = head.feed(in);
        } catch (ResponseException e) {
            throw new HandshakeException(e.status(), e.getMessage());
        }
        if (response == null) return false;
        check(response);
        return true;
    }

    private void check(ResponseHead response) throws HandshakeException {
        int code = response.status();
        if (code != 101) throw new HandshakeException(code, "handshake refused: " + response.version() + " " + code + " " + ResponseHeadParser.abbreviate(response.reason()));
        // RFC 6455 4.1, the client's checks of the server's handshake, in its order.
        String upgrade = response.headerJoined("upgrade");
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            throw new HandshakeException(code, "missing or wrong Upgrade header: " + upgrade);
        }
        if (!response.hasToken("connection", "upgrade")) {
            throw new HandshakeException(code, "missing or wrong Connection header: " + response.headerJoined("connection"));
        }
        String accept = response.headerJoined("sec-websocket-accept");
        if (accept == null || !accept.equals(expectedAccept)) {
            throw new HandshakeException(code, "wrong or missing Sec-WebSocket-Accept: " + accept + ", expected " + expectedAccept);
        }
        if (response.header("sec-websocket-extensions") != null) {
            throw new HandshakeException(code, "the server chose an extension that was not asked for: " + response.headerJoined("sec-websocket-extensions"));
        }
        if (response.header("sec-websocket-protocol") != null) {
            throw new HandshakeException(code, "the server chose a subprotocol that was not asked for: " + response.headerJoined("sec-websocket-protocol"));
        }
    }
}
