package chatlab.bench.load;

import chatlab.protocol.client.ClientWebSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * One client connection of a {@link LoadGenerator}: its channel and selection key, the protocol
 * module's {@link ClientWebSocket} that speaks RFC 6455 for it, the bytes the socket has not
 * taken yet, where it is in connect-handshake-join, and what the load jobs keep per connection.
 * Touched by the generator's selector thread only.
 */
final class GeneratorConnection implements ClientWebSocket.Output, ClientWebSocket.Listener {

    enum State { CONNECTING, HANDSHAKE, JOINING, READY, CLOSED }

    /** The largest message a server may send a generator (a chat message is under 5 KiB). */
    static final int MAX_MESSAGE_BYTES = 1 << 20;

    final LoadGenerator generator;
    final int index;
    final String room;
    final SocketChannel channel;
    final long startNanos;
    final ClientWebSocket ws;
    final ArrayDeque<ByteBuffer> unsent = new ArrayDeque<>(2);
    SelectionKey key;
    State state = State.CONNECTING;

    /** Highest room {@code seq} received: a lower or equal one again is a duplicate. */
    long lastSeq;
    /** Echo: the number of the next reply expected. */
    long nextEcho;
    /** Sender schedule: intended time of the next message, and messages sent in this run. */
    long nextSendNanos;
    long sentInRun;

    GeneratorConnection(LoadGenerator generator, int index, String room, SocketChannel channel, long startNanos, ConnectPlan plan) {
        this.generator = generator;
        this.index = index;
        this.room = room;
        this.channel = channel;
        this.startNanos = startNanos;
        this.ws = new ClientWebSocket(plan.host(), plan.port(), plan.path(), MAX_MESSAGE_BYTES, generator.random(), this, this);
    }

    /** Still on its way to ready (neither ready nor failed). */
    boolean pendingReady() { return state != State.READY && state != State.CLOSED; }

    @Override public void write(byte[] bytes) { generator.write(this, bytes); }
    @Override public void onOpen() { generator.opened(this); }
    @Override public void onMessage(int opcode, byte[] payload) { generator.received(this, payload); }
    @Override public void onClose(int code, String reason, boolean remote) { generator.closed(this, code, reason, remote); }
}
