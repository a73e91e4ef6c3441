package chatlab.protocol.client;

import chatlab.protocol.http.Handshake;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The client side of the RFC 6455 opening handshake (section 4.1): the upgrade request with a
 * fresh {@code Sec-WebSocket-Key} (16 bytes from a {@link SecureRandom}, base64), and the check of
 * the server's response head as its bytes arrive, in any split. One per connection attempt.
 */
public final class ClientHandshake {

    /** A response head longer than this is refused (a server's 101 is a few hundred bytes). */
    public static final int MAX_RESPONSE_HEAD_BYTES = 16 * 1024;

    private final byte[] request;
    private final String expectedAccept;
    private byte[] head = new byte[256];
    private int headLength;

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
        while (in.hasRemaining()) {
            if (headLength == head.length) {
                if (head.length >= MAX_RESPONSE_HEAD_BYTES) {
                    throw new HandshakeException(-1, "response head over " + MAX_RESPONSE_HEAD_BYTES + " bytes");
                }
                head = java.util.Arrays.copyOf(head, Math.min(MAX_RESPONSE_HEAD_BYTES, head.length * 2));
            }
            head[headLength++] = in.get();
            int n = headLength;
            if (n >= 4 && head[n - 4] == '\r' && head[n - 3] == '\n' && head[n - 2] == '\r' && head[n - 1] == '\n') {
                check(new String(head, 0, n - 4, StandardCharsets.ISO_8859_1));
                head = null;
                return true;
            }
        }
        return false;
    }

    private void check(String text) throws HandshakeException {
        String[] lines = text.split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/")) {
            throw new HandshakeException(-1, "not an HTTP response: " + abbreviate(lines[0]));
        }
        int code;
        try {
            code = Integer.parseInt(status[1]);
        } catch (NumberFormatException e) {
            throw new HandshakeException(-1, "not an HTTP status: " + abbreviate(lines[0]));
        }
        if (code != 101) throw new HandshakeException(code, "handshake refused: " + abbreviate(lines[0]));
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) throw new HandshakeException(code, "malformed header line: " + abbreviate(lines[i]));
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            headers.merge(name, value, (a, b) -> a + "," + b);
        }
        // RFC 6455 4.1, the client's checks of the server's handshake, in its order.
        String upgrade = headers.get("upgrade");
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            throw new HandshakeException(code, "missing or wrong Upgrade header: " + upgrade);
        }
        if (!hasToken(headers.get("connection"), "upgrade")) {
            throw new HandshakeException(code, "missing or wrong Connection header: " + headers.get("connection"));
        }
        String accept = headers.get("sec-websocket-accept");
        if (accept == null || !accept.equals(expectedAccept)) {
            throw new HandshakeException(code, "wrong or missing Sec-WebSocket-Accept: " + accept + ", expected " + expectedAccept);
        }
        if (headers.containsKey("sec-websocket-extensions")) {
            throw new HandshakeException(code, "the server chose an extension that was not asked for: " + headers.get("sec-websocket-extensions"));
        }
        if (headers.containsKey("sec-websocket-protocol")) {
            throw new HandshakeException(code, "the server chose a subprotocol that was not asked for: " + headers.get("sec-websocket-protocol"));
        }
    }

    private static boolean hasToken(String value, String token) {
        if (value == null) return false;
        for (String part : value.split(",")) {
            if (part.trim().equalsIgnoreCase(token)) return true;
        }
        return false;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
