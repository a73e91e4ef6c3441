package chatlab.protocol.server;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The frames a server has for one connection and has not yet handed to the socket, bounded in
 * bytes (Netty's {@code ChannelOutboundBuffer} watermark idea, with one mark): past the bound the
 * connection is a slow consumer, everything waiting is dropped and only a 1008 close frame stays.
 * Once closing, nothing more is accepted: the close frame is the last thing the socket sees.
 *
 * <p>Frames are the shared, never modified arrays of {@link chatlab.protocol.chat.Outbound}: a
 * room message queued for a hundred members is one array referenced a hundred times, and queueing
 * it allocates nothing per member.
 *
 * <p>Memory: most connections are idle most of the time, so an empty queue is only this object's
 * few fields. The first waiting frame sits in a field; a deque exists only while a second frame
 * waits behind it, and is dropped when the queue drains. The lock is the object's own monitor
 * ({@code synchronized}): uncontended, it lives in the object's header and costs no memory, where
 * a {@code ReentrantLock} and its condition would cost every connection about a hundred bytes
 * whether it ever sends or not.
 *
 * <p>Thread-safe: in the threaded models other connections' threads add to it while the
 * connection's writer thread takes from it (the writer waits with {@code LockSupport.park}, not on
 * this monitor, so a waiting writer pins nothing); in the evented model only the loop thread
 * touches it and the monitor is never contended.
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

    // All guarded by this object's monitor.
    /** The frame the socket gets next; null when nothing waits. */
    private byte[] head;
    /** Bytes of {@link #head} the socket has already taken (the event loop writes partly). */
    private int headWritten;
    /** Frames behind {@link #head}, oldest first; null unless more than one frame waits. */
    private ArrayDeque<byte[]> behind;
    /** Bytes waiting, counting all of {@link #head}. */
    private int queuedBytes;
    private boolean closing;

    /**
     * Adds a frame to send; never blocks.
     *
     * @param boundBytes    what may wait at most (the server's setting), else the connection is a slow consumer
     * @param overflowClose the close frame to send instead, should this frame pass the bound
     */
    public synchronized Offer offer(byte[] frame, int boundBytes, byte[] overflowClose) {
        if (closing) return Offer.DROPPED;
        if ((long) queuedBytes + frame.length > boundBytes) {
            dropAllButPartlyWritten();
            append(overflowClose);
            closing = true;
            return Offer.OVERFLOWED;
        }
        boolean wasEmpty = head == null;
        append(frame);
        return wasEmpty ? Offer.QUEUED_FIRST : Offer.QUEUED;
    }

    /**
     * Queues a last frame (a close frame) after what is waiting, and accepts nothing after it.
     *
     * @return false when the queue was already closing (its close frame is already queued)
     */
    public synchronized boolean close(byte[] lastFrame) {
        if (closing) return false;
        append(lastFrame);
        closing = true;
        return true;
    }

    /**
     * Removes the next frame, whole (the threaded writer, which always writes whole frames).
     *
     * @return the frame, or null when nothing waits
     */
    public synchronized byte[] poll() {
        byte[] frame = head;
        if (frame != null) {
            advance();
        }
        return frame;
    }

    /**
     * Copies waiting bytes, from the first one the socket has not taken, into {@code out} until it
     * is full or nothing is left, without removing them (the event loop writes them, then reports
     * how many the socket took with {@link #written}). Several small frames go out in one write.
     *
     * @return the bytes copied
     */
    public synchronized int copyTo(ByteBuffer out) {
        int copied = 0;
        byte[] frame = head;
        int offset = headWritten;
        var rest = behind == null ? null : behind.iterator();
        while (frame != null && out.hasRemaining()) {
            int n = Math.min(frame.length - offset, out.remaining());
            out.put(frame, offset, n);
            copied += n;
            if (offset + n < frame.length) break;
            frame = rest != null && rest.hasNext() ? rest.next() : null;
            offset = 0;
        }
        return copied;
    }

    /** The socket took {@code bytes} of what {@link #copyTo} copied: they leave the queue. */
    public synchronized void written(int bytes) {
        while (bytes > 0 && head != null) {
            int n = Math.min(bytes, head.length - headWritten);
            headWritten += n;
            bytes -= n;
            if (headWritten == head.length) advance();
        }
    }

    public synchronized boolean isEmpty() {
        return head == null;
    }

    public synchronized boolean isClosing() {
        return closing;
    }

    /** Closing, and the close frame has left: time to half-close the socket. */
    public synchronized boolean isDrainedAndClosing() {
        return closing && head == null;
    }

    public synchronized int queuedBytes() {
        return queuedBytes;
    }

    private void append(byte[] frame) {
        queuedBytes += frame.length;
        if (head == null) {
            head = frame;
            return;
        }
        if (behind == null) behind = new ArrayDeque<>(4);
        behind.addLast(frame);
    }

    /** The head has left the queue. */
    private void advance() {
        queuedBytes -= head.length;
        headWritten = 0;
        head = behind == null ? null : behind.pollFirst();
        if (head == null) behind = null; // drained: an idle connection keeps no deque
    }

    private void dropAllButPartlyWritten() {
        behind = null;
        if (head != null && headWritten > 0) {
            // Half a frame is on the wire already; cutting it would corrupt the stream.
            queuedBytes = head.length;
        } else {
            head = null;
            headWritten = 0;
            queuedBytes = 0;
        }
    }
}
