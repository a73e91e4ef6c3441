package chatlab.protocol.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.UnderTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The request head parser, and the opening handshake ({@link UnderTest#handshake()}: chatlab's
 * own, or the class an exercise check names) on parsed heads.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HandshakeTest {

    private static final String GOOD = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    @Test
    void acceptKeyIsTheRfcExample() {
        // RFC 6455 section 1.3.
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Handshake.acceptKey("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void rfcExampleKeyIsAnsweredWithTheRfcExampleAccept() throws Exception {
        // RFC 6455 section 1.3: this key's Sec-WebSocket-Accept is s3pPLMBiTxaQ9kYGzzhZRbK+xOo=.
        String response = new String(UnderTest.handshake().accept(parse(GOOD)), StandardCharsets.ISO_8859_1);
        assertTrue(response.startsWith("HTTP/1.1 101 "), "status line must be 'HTTP/1.1 101 Switching Protocols'; response: " + response);
        assertTrue(response.contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"),
                "expected the header line 'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo='; response: " + response);
    }

    @Test
    void switchingProtocolsNamesTheUpgradeAndEndsTheHead() throws Exception {
        String response = new String(UnderTest.handshake().accept(parse(GOOD)), StandardCharsets.ISO_8859_1);
        String lower = response.toLowerCase(java.util.Locale.ROOT);
        assertTrue(lower.contains("\r\nupgrade: websocket\r\n"), "101 needs 'Upgrade: websocket'; response: " + response);
        assertTrue(lower.contains("\r\nconnection: upgrade\r\n"), "101 needs 'Connection: Upgrade'; response: " + response);
        assertTrue(response.endsWith("\r\n\r\n"), "the head must end with an empty line (CRLF CRLF), else the client waits; response: " + response);
        assertEquals(response.indexOf("\r\n\r\n") + 4, response.length(), "nothing may follow the head of a 101; response: " + response);
    }

    @Test
    void headArrivingOneByteAtATimeParsesOnceAndLeavesTheRest() throws Exception {
        RequestHeadParser parser = new RequestHeadParser();
        byte[] bytes = (GOOD + "FRAME").getBytes(StandardCharsets.ISO_8859_1);
        RequestHead head = null;
        int i = 0;
        for (; i < bytes.length && head == null; i++) {
            head = parser.feed(ByteBuffer.wrap(bytes, i, 1));
        }
        assertNotNull(head);
        assertEquals(bytes.length - "FRAME".length(), i);
        assertEquals("/ws", head.path());
    }

    @Test
    void eachWrongFieldHasItsStatus() throws Exception {
        assertStatus(400, "no Host header", GOOD.replace("Host: x\r\n", ""));
        assertStatus(400, "Upgrade: h2c", GOOD.replace("Upgrade: WebSocket", "Upgrade: h2c"));
        assertStatus(400, "Connection without the token upgrade", GOOD.replace("keep-alive, Upgrade", "keep-alive"));
        assertStatus(400, "a Sec-WebSocket-Key of 5 bytes", GOOD.replace("dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ="));
        assertStatus(426, "Sec-WebSocket-Version: 8", GOOD.replace("Version: 13", "Version: 8"));
        assertStatus(426, "no Sec-WebSocket-Version", GOOD.replace("Sec-WebSocket-Version: 13\r\n", ""));
    }

    @Test
    void headOverEightKibibytesIs431BeforeItEnds() {
        RequestHeadParser parser = new RequestHeadParser();
        String huge = "GET / HTTP/1.1\r\nX: " + "a".repeat(9000);
        HttpException e = assertThrows(HttpException.class,
                () -> parser.feed(ByteBuffer.wrap(huge.getBytes(StandardCharsets.ISO_8859_1))));
        assertEquals(431, e.status());
    }

    @Test
    void incompleteHeadIsNotAnError() throws Exception {
        assertNull(new RequestHeadParser().feed(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1))));
    }

    private static void assertStatus(int expected, String what, String request) throws HttpException {
        RequestHead head = parse(request);
        OpeningHandshake handshake = UnderTest.handshake();
        HttpException refusal = assertThrows(HttpException.class, () -> handshake.accept(head),
                what + ": accept must refuse it with an HttpException of status " + expected);
        assertEquals(expected, refusal.status(), what + ": status of the refusal ('" + refusal.getMessage() + "')");
    }

    private static RequestHead parse(String request) throws HttpException {
        return new RequestHeadParser().feed(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
    }
}
