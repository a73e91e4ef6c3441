package chatlab.protocol.chat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import chatlab.protocol.ws.FrameEncoder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A message keeps one form once framed, and still gives back the other, at every length field size. */
class OutboundTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 10, 125, 126, 1000, 65535, 65536, 200_000})
    void textAndFrameSurviveEitherOrder(int length) {
        String text = "{\"text\":\"" + "é€x".repeat(length / 3 + 1).substring(0, length) + "\"}";

        Outbound framedFirst = new Outbound(text);
        byte[] frame = framedFirst.frame();
        assertArrayEquals(FrameEncoder.serverText(text), frame);
        assertEquals(text, framedFirst.json(), "the text comes back from the frame's payload");
        assertSame(frame, framedFirst.frame(), "framed once, the same array for every member");

        Outbound textFirst = new Outbound(text);
        assertEquals(text, textFirst.json());
        assertArrayEquals(frame, textFirst.frame());
    }
}
