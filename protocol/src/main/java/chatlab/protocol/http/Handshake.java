package chatlab.protocol.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/** The server side of the RFC 6455 opening handshake (section 4.2). */
public final class Handshake {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /**
     * Never updated, only cloned: each handshake digests with its own copy. Not
     * {@code MessageDigest.getInstance} per handshake, because the provider lookup behind it
     * caches its last key in a {@code ThreadLocal}, which under a virtual thread per connection
     * would stay with every connection for as long as it lives.
     */
    private static final MessageDigest SHA1 = newSha1();
    /** What a 426 must carry (RFC 6455 4.4). */
    private static final String VERSION_13 = "Sec-WebSocket-Version: 13\r\n";

    private Handshake() {}

    /**
     * Checks an upgrade request and returns the {@code 101} response to send.
     *
     * @throws HttpException 400 naming the missing or wrong field, or 426 for a version other than 13
     */
    public static byte[] accept(RequestHead request) throws HttpException {
        if (!"GET".equals(request.method())) throw new HttpException(400, "a WebSocket handshake must be a GET");
        if (!"HTTP/1.1".equals(request.version())) throw new HttpException(400, "a WebSocket handshake needs HTTP/1.1");
        if (request.header("host") == null) throw new HttpException(400, "missing Host header");
        String upgrade = request.header("upgrade");
        if (upgrade == null || !upgrade.trim().equalsIgnoreCase("websocket")) {
            throw new HttpException(400, "missing or wrong Upgrade header: expected websocket");
        }
        if (!hasToken(request.headerJoined("connection"), "upgrade")) {
            throw new HttpException(400, "missing or wrong Connection header: expected a token 'upgrade'");
        }
        String key = request.header("sec-websocket-key");
        if (key == null || !isValidKey(key)) {
            throw new HttpException(400, "missing or wrong Sec-WebSocket-Key: expected base64 of 16 bytes");
        }
        String version = request.header("sec-websocket-version");
        if (version == null) throw new HttpException(426, "missing Sec-WebSocket-Version: expected 13", VERSION_13);
        if (!version.trim().equals("13")) throw new HttpException(426, "unsupported Sec-WebSocket-Version: expected 13", VERSION_13);
        return HttpResponses.switchingProtocols(acceptKey(key));
    }

    /** Whether the request asks for a WebSocket at all (an {@code Upgrade} header is present). */
    public static boolean isUpgrade(RequestHead request) {
        return request.header("upgrade") != null;
    }

    /** base64(SHA-1(key + GUID)). */
    public static String acceptKey(String key) {
        MessageDigest sha1;
        try {
            sha1 = (MessageDigest) SHA1.clone();
        } catch (CloneNotSupportedException e) {
            sha1 = newSha1(); // a provider whose SHA-1 cannot be cloned
        }
        byte[] digest = sha1.digest((key.trim() + GUID).getBytes(StandardCharsets.ISO_8859_1));
        return Base64.getEncoder().encodeToString(digest);
    }

    private static MessageDigest newSha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    static boolean isValidKey(String key) {
        try {
            return Base64.getDecoder().decode(key.trim()).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean hasToken(String headerValue, String token) {
        if (headerValue == null) return false;
        for (String part : headerValue.split(",")) {
            if (part.trim().toLowerCase(Locale.ROOT).equals(token)) return true;
        }
        return false;
    }
}
