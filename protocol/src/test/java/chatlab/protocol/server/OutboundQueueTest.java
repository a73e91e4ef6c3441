package chatlab.protocol.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bounded queue between a connection's producers and its socket, through its public operations only. */
class OutboundQueueTest {

    private static final byte[] CLOSE = {(byte) 0x88, 0};

    private static ByteBuffer bytes(int n) {
        return ByteBuffer.wrap(new byte[n]);
    }

    @Test
    void theFirstOfferIntoAnEmptyQueueSaysSo() {
        OutboundQueue queue = new OutboundQueue(1000);
        assertEquals(OutboundQueue.Offer.QUEUED_FIRST, queue.offer(bytes(10), CLOSE));
        assertEquals(OutboundQueue.Offer.QUEUED, queue.offer(bytes(10), CLOSE));
        assertEquals(20, queue.queuedBytes());
        queue.removeHead();
        queue.removeHead();
        assertTrue(queue.isEmpty());
        assertEquals(0, queue.queuedBytes());
        assertEquals(OutboundQueue.Offer.QUEUED_FIRST, queue.offer(bytes(10), CLOSE), "empty again: the writer must be told again");
    }

    @Test
    void passingTheBoundDropsEverythingForTheCloseFrame() {
        OutboundQueue queue = new OutboundQueue(100);
        queue.offer(bytes(60), CLOSE);
        assertEquals(OutboundQueue.Offer.OVERFLOWED, queue.offer(bytes(60), CLOSE));
        assertTrue(queue.isClosing());
        assertArrayEquals(CLOSE, queue.peek().array(), "only the close frame is left");
        assertEquals(CLOSE.length, queue.queuedBytes());
        assertEquals(OutboundQueue.Offer.DROPPED, queue.offer(bytes(1), CLOSE), "nothing after the close frame");
        queue.removeHead();
        assertTrue(queue.isDrainedAndClosing());
    }

    @Test
    void aPartlyWrittenFrameSurvivesTheOverflow() {
        OutboundQueue queue = new OutboundQueue(100);
        ByteBuffer half = bytes(60);
        queue.offer(half, CLOSE);
        queue.offer(bytes(30), CLOSE);
        queue.peek().position(20); // the socket took 20 bytes of it
        assertEquals(OutboundQueue.Offer.OVERFLOWED, queue.offer(bytes(50), CLOSE));
        assertSame(half, queue.peek(), "cutting a frame the client has begun to read would corrupt the stream");
        queue.removeHead();
        assertArrayEquals(CLOSE, queue.peek().array());
    }

    @Test
    void closeQueuesALastFrameOnce() {
        OutboundQueue queue = new OutboundQueue(100);
        queue.offer(bytes(5), CLOSE);
        assertTrue(queue.close(CLOSE));
        assertFalse(queue.close(CLOSE), "the second close does nothing");
        assertEquals(5 + CLOSE.length, queue.queuedBytes());
        assertEquals(OutboundQueue.Offer.DROPPED, queue.offer(bytes(1), CLOSE));
    }

    @Test
    void takeWaitsForBytesAndEndsOnceClosedAndDrained() throws Exception {
        OutboundQueue queue = new OutboundQueue(100);
        assertNull(queue.take(10, TimeUnit.MILLISECONDS), "nothing within the timeout");
        CompletableFuture<ByteBuffer> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.take(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        ByteBuffer sent = bytes(7);
        queue.offer(sent, CLOSE);
        assertSame(sent, taken.get(10, TimeUnit.SECONDS), "a waiting writer wakes for the bytes");
        queue.close(CLOSE);
        assertArrayEquals(CLOSE, queue.take(1, TimeUnit.SECONDS).array());
        assertNull(queue.take(10, TimeUnit.SECONDS), "closing and empty: the writer ends at once");
    }
}
