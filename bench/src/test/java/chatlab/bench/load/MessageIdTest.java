package chatlab.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one codec of a load message's id: a chat id and an echo payload's head read the same way. */
class MessageIdTest {

    @Test
    void anIdRoundTripsAndFitsPROTOCOLsLimit() {
        MessageId id = new MessageId(12, -9_123_456_789_012_345_678L, 19_999, 123_456);
        assertEquals(id, MessageId.parse(id.encode()));
        assertTrue(new MessageId(Integer.MAX_VALUE, Long.MIN_VALUE + 1, Integer.MAX_VALUE, Long.MAX_VALUE).encode().length() <= 64);
    }

    @Test
    void anEchoPayloadsPaddingIsIgnored() {
        assertEquals(new MessageId(3, 42, 7, 9), MessageId.parse("3.42.7.9.xxxxxxxxxxxxxxxx"));
    }

    @Test
    void anythingElseIsNotOurs() {
        assertNull(MessageId.parse("c-17"));
        assertNull(MessageId.parse("3.42.7"));
        assertNull(MessageId.parse("3.42.7.9x"));
        assertNull(MessageId.parse(""));
        assertNull(MessageId.parse("3..7.9"));
    }
}
