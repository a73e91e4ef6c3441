package chatlab.bench.load;

import chatlab.protocol.ws.FrameDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * One client connection of a {@link LoadGenerator}: its channel, where it is in the
 * connect-handshake-join sequence, its decoder and its unsent bytes. Touched by the generator's
 * selector thread only.
 */
final class ClientConnection {

    enum State { CONNECTING, HANDSHAKE, JOINING, READY, CLOSED }

    final int index;
    final String room;
    final SocketChannel channel;
    final long startNanos;
    final String expectedAccept;
    SelectionKey key;
    State state = State.CONNECTING;

    /** The HTTP response head, until its blank line. */
    byte[] head = new byte[512];
    int headLength;

    final FrameDecoder decoder = new FrameDecoder(FrameDecoder.Role.CLIENT, 1 << 20);
    final ArrayDeque<ByteBuffer> unsent = new ArrayDeque<>(2);

    /** Highest room {@code seq} received: a lower or equal one again is a duplicate. */
    long lastSeq;
    /** Echo: the number of the next reply expected. */
    long nextEcho;
    /** Sender schedule: intended time of the next message, and messages sent in this run. */
    long nextSendNanos;
    long sentInRun;

    ClientConnection(int index, String room, SocketChannel channel, long startNanos, String expectedAccept) {
        this.index = index;
        this.room = room;
        this.channel = channel;
        this.startNanos = startNanos;
        this.expectedAccept = expectedAccept;
    }

    boolean pendingReady() { return state != State.READY && state != State.CLOSED; }
}
