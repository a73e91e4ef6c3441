package chatlab.protocol.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HandshakeTest {

    private static final String GOOD = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    @Test
    void acceptKeyIsTheRfcExample() {
        // RFC 6455 section 1.3.
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Handshake.acceptKey("dGhlIHNhbXBsZSBub25jZQ=="));
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
        String response = new String(Handshake.accept(head), StandardCharsets.ISO_8859_1);
        assertTrue(response.startsWith("HTTP/1.1 101 "));
        assertTrue(response.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
    }

    @Test
    void eachWrongFieldHasItsStatus() throws Exception {
        assertEquals(400, statusOf(GOOD.replace("Host: x\r\n", "")));
        assertEquals(400, statusOf(GOOD.replace("Upgrade: WebSocket", "Upgrade: h2c")));
        assertEquals(400, statusOf(GOOD.replace("keep-alive, Upgrade", "keep-alive")));
        assertEquals(400, statusOf(GOOD.replace("dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ=")));
        assertEquals(426, statusOf(GOOD.replace("Version: 13", "Version: 8")));
        assertEquals(426, statusOf(GOOD.replace("Sec-WebSocket-Version: 13\r\n", "")));
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

    private static int statusOf(String request) throws HttpException {
        RequestHead head = new RequestHeadParser().feed(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
        return assertThrows(HttpException.class, () -> Handshake.accept(head)).status();
    }
}
