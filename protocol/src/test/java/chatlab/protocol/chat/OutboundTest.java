package chatlab.protocol.chat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import chatlab.protocol.ws.FrameEncoder;
import chatlab.protocol.ws.WireBytes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A message keeps one form once framed, and still gives back the other, at every length field size. */
class OutboundTest {

    /** Payload sizes around the length field's limits (125/126, 65535/65536 bytes), with a 2- and a 3-byte character in each. */
    @ParameterizedTest
    @ValueSource(ints = {16, 125, 126, 1000, 65535, 65536, 200_000})
    void textAndFrameSurviveEitherOrder(int payloadBytes) {
        String start = "{\"t\":\"\u00e9\u20ac"; // 11 bytes: {"t":" then é (2 bytes) and € (3 bytes)
        String text = start + "x".repeat(payloadBytes - 11 - 2) + "\"}";
        assertEquals(payloadBytes, WireBytes.utf8(text));

        Outbound framedFirst = new Outbound(text);
        assertEquals(FrameEncoder.serverText(text).length, framedFirst.frameLength(), "counted without framing");
        byte[] frame = framedFirst.frame();
        assertArrayEquals(FrameEncoder.serverText(text), frame);
        assertEquals(text, framedFirst.json(), "the text comes back from the frame's payload");
        assertSame(frame, framedFirst.frame(), "framed once, the same array for every member");
        assertEquals(frame.length, framedFirst.frameLength());

        Outbound textFirst = new Outbound(text);
        assertEquals(text, textFirst.json());
        assertArrayEquals(frame, textFirst.frame());
    }
}
