package chatlab.protocol.server;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bytes a server has for one connection and has not yet handed to the socket, bounded in
 * bytes (Netty's {@code ChannelOutboundBuffer} watermark idea, with one mark): past the bound the
 * connection is a slow consumer, everything waiting is dropped and only a 1008 close frame stays.
 *
 * <p>Thread-safe with one lock: in the threaded models other connections' threads add to it
 * while the connection's writer thread takes from it; in the evented model only the loop thread
 * touches it and the lock is never contended. Once closing, nothing more is accepted: the close
 * frame is the last thing the socket sees.
 */
public final class OutboundQueue {

    /** What {@link #offer} did. */
    public enum Offer {
        /** Queued. */
        QUEUED,
        /** Queued into an empty queue: a writer that was idle has work again. */
        QUEUED_FIRST,
        /** Dropped: the queue is closing. */
        DROPPED,
        /** The bound was passed: everything was dropped and the 1008 close frame queued instead. */
        OVERFLOWED
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<ByteBuffer> buffers = new ArrayDeque<>();
    private final long boundBytes;
    private long queuedBytes;
    private boolean closing;

    public OutboundQueue(long boundBytes) {
        this.boundBytes = boundBytes;
    }

    /**
     * Adds bytes to send; never blocks.
     *
     * @param overflowClose the close frame to send instead, should these bytes pass the bound
     */
    public Offer offer(ByteBuffer bytes, byte[] overflowClose) {
        lock.lock();
        try {
            if (closing) return Offer.DROPPED;
            if (queuedBytes + bytes.remaining() > boundBytes) {
                dropAllButPartlyWritten();
                buffers.addLast(ByteBuffer.wrap(overflowClose));
                queuedBytes += overflowClose.length;
                closing = true;
                changed.signalAll();
                return Offer.OVERFLOWED;
            }
            boolean wasEmpty = buffers.isEmpty();
            buffers.addLast(bytes);
            queuedBytes += bytes.remaining();
            if (wasEmpty) changed.signalAll();
            return wasEmpty ? Offer.QUEUED_FIRST : Offer.QUEUED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues a last frame (a close frame) after what is waiting, and accepts nothing after it.
     *
     * @return false when the queue was already closing (its close frame is already queued)
     */
    public boolean close(byte[] lastFrame) {
        lock.lock();
        try {
            if (closing) return false;
            buffers.addLast(ByteBuffer.wrap(lastFrame));
            queuedBytes += lastFrame.length;
            closing = true;
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The buffer to write next, left in the queue (the evented model writes it partly, then again). */
    public ByteBuffer peek() {
        lock.lock();
        try {
            return buffers.peekFirst();
        } finally {
            lock.unlock();
        }
    }

    /** Removes the head once it is fully written. */
    public void removeHead() {
        lock.lock();
        try {
            ByteBuffer head = buffers.pollFirst();
            if (head != null) queuedBytes -= head.limit();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the next buffer to write and removes it (the threaded writer).
     *
     * @return the buffer, or null once the queue is closing and empty (or after the timeout)
     */
    public ByteBuffer take(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (buffers.isEmpty()) {
                if (closing || nanos <= 0) return null;
                nanos = changed.awaitNanos(nanos);
            }
            ByteBuffer head = buffers.pollFirst();
            queuedBytes -= head.limit();
            return head;
        } finally {
            lock.unlock();
        }
    }

    public boolean isEmpty() {
        lock.lock();
        try {
            return buffers.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosing() {
        lock.lock();
        try {
            return closing;
        } finally {
            lock.unlock();
        }
    }

    /** Closing, and the close frame has left: time to half-close the socket. */
    public boolean isDrainedAndClosing() {
        lock.lock();
        try {
            return closing && buffers.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    public long queuedBytes() {
        lock.lock();
        try {
            return queuedBytes;
        } finally {
            lock.unlock();
        }
    }

    private void dropAllButPartlyWritten() {
        ByteBuffer head = buffers.peekFirst();
        boolean keepHead = head != null && head.position() > 0;
        buffers.clear();
        queuedBytes = 0;
        if (keepHead) {
            // Half a frame is on the wire already; cutting it would corrupt the stream.
            buffers.addLast(head);
            queuedBytes = head.limit();
        }
    }
}
