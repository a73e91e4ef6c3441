package chatlab.protocol.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.server.OutboundQueue.Offer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The bound, the order of bytes and the last close frame, as the two kinds of writers see them. */
class OutboundQueueTest {

    private static final byte[] CLOSE = {(byte) 0x88, 0};

    @Test
    void wholeFramesComeOutInOrderAndTheFirstOfABurstIsFlagged() {
        OutboundQueue queue = new OutboundQueue();
        byte[] a = frame(3, 'a');
        byte[] b = frame(5, 'b');
        assertEquals(Offer.QUEUED_FIRST, queue.offer(a, 100, CLOSE));
        assertEquals(Offer.QUEUED, queue.offer(b, 100, CLOSE));
        assertEquals(8, queue.queuedBytes());
        assertSame(a, queue.poll(), "the shared array itself, not a copy");
        assertSame(b, queue.poll());
        assertNull(queue.poll());
        assertTrue(queue.isEmpty());
        assertEquals(Offer.QUEUED_FIRST, queue.offer(a, 100, CLOSE), "empty again: the next frame wakes the writer");
    }

    @Test
    void aSocketThatTakesPartOfTheBytesGetsTheRestNextTime() {
        OutboundQueue queue = new OutboundQueue();
        queue.offer(frame(10, 'a'), 100, CLOSE);
        queue.offer(frame(10, 'b'), 100, CLOSE);
        queue.offer(frame(10, 'c'), 100, CLOSE);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        int[] socketTakes = {4, 13, 1, 12};
        for (int take : socketTakes) {
            ByteBuffer staging = ByteBuffer.allocate(64);
            int copied = queue.copyTo(staging);
            assertEquals(30 - wire.size(), copied, "everything waiting fits the staging buffer at once");
            wire.write(staging.array(), 0, take);
            queue.written(take);
        }
        assertTrue(queue.isEmpty());
        assertEquals("a".repeat(10) + "b".repeat(10) + "c".repeat(10), wire.toString());
    }

    @Test
    void aStagingBufferSmallerThanTheQueueIsFilledToTheBrim() {
        OutboundQueue queue = new OutboundQueue();
        queue.offer(frame(6, 'a'), 100, CLOSE);
        queue.offer(frame(6, 'b'), 100, CLOSE);
        ByteBuffer staging = ByteBuffer.allocate(8);
        assertEquals(8, queue.copyTo(staging));
        assertEquals("aaaaaabb", new String(staging.array()));
        assertEquals(12, queue.queuedBytes(), "copying removes nothing");
    }

    @Test
    void passingTheBoundDropsEverythingForTheCloseFrame() {
        OutboundQueue queue = new OutboundQueue();
        queue.offer(frame(60, 'a'), 100, CLOSE);
        assertEquals(Offer.OVERFLOWED, queue.offer(frame(60, 'b'), 100, CLOSE));
        assertTrue(queue.isClosing());
        assertEquals(CLOSE.length, queue.queuedBytes(), "only the close frame is left");
        assertSame(CLOSE, queue.poll());
        assertTrue(queue.isDrainedAndClosing());
    }

    @Test
    void passingTheBoundDropsWhatWaitsButHalfAFrameOnTheWire() {
        OutboundQueue queue = new OutboundQueue();
        queue.offer(frame(40, 'a'), 100, CLOSE);
        queue.offer(frame(40, 'b'), 100, CLOSE);
        queue.copyTo(ByteBuffer.allocate(64));
        queue.written(15); // 15 bytes of the first frame are on the wire
        assertEquals(Offer.OVERFLOWED, queue.offer(frame(40, 'c'), 100, CLOSE));
        assertTrue(queue.isClosing());
        ByteBuffer rest = ByteBuffer.allocate(64);
        assertEquals(25 + CLOSE.length, queue.copyTo(rest), "the first frame's last 25 bytes, then the close frame");
        rest.flip();
        byte[] bytes = new byte[rest.remaining()];
        rest.get(bytes);
        assertEquals("a".repeat(25), new String(bytes, 0, 25));
        assertArrayEquals(CLOSE, java.util.Arrays.copyOfRange(bytes, 25, bytes.length));
        assertEquals(Offer.DROPPED, queue.offer(frame(1, 'd'), 100, CLOSE), "nothing after the close frame");
    }

    @Test
    void theCloseFrameIsLastAndAcceptedOnce() {
        OutboundQueue queue = new OutboundQueue();
        queue.offer(frame(2, 'a'), 100, CLOSE);
        assertTrue(queue.close(CLOSE));
        assertFalse(queue.close(CLOSE), "already closing");
        assertFalse(queue.isDrainedAndClosing());
        queue.poll();
        assertSame(CLOSE, queue.poll());
        assertTrue(queue.isDrainedAndClosing());
    }

    private static byte[] frame(int length, char fill) {
        return String.valueOf(fill).repeat(length).getBytes();
    }
}
