package chatlab.bench.load;

import chatlab.protocol.ws.WebSocketException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One client of a {@link LoadGenerator}, whatever its transport: where it is between starting and
 * ready, the room it is in, and what the load jobs keep per client. Its sockets' events reach it
 * through the generator's selector loop; everything runs on that one thread.
 *
 * <p>A client is ready once the server confirmed its {@code join} ({@code joined}), or, on
 * {@code /echo}, once the handshake is done. Until then its traffic counts as setup
 * ({@link Traffic.Part#SETUP}), afterwards as receiving or sending.
 */
abstract class LoadClient {

    enum State { CONNECTING, OPENING, JOINING, READY, CLOSED }

    /** The largest message (or answer body) a server may send a generator (a chat message is under 5 KiB). */
    static final int MAX_MESSAGE_BYTES = 1 << 20;

    final LoadGenerator generator;
    final ConnectPlan plan;
    final int index;
    /** The room it joins, or null on {@code /echo}. */
    final String room;
    final long startNanos = System.nanoTime();
    State state = State.CONNECTING;

    /** Highest room {@code seq} received: a lower or equal one again is a duplicate. */
    long lastSeq;
    /** Echo: the number of the next reply expected. */
    long nextEcho;
    /** Sender schedule: intended time of the next message, and messages sent in this run. */
    long nextSendNanos;
    long sentInRun;

    LoadClient(LoadGenerator generator, ConnectPlan plan, int index) {
        this.generator = generator;
        this.plan = plan;
        this.index = index;
        this.room = plan.chat() ? ConnectPlan.roomOf(index, plan.roomSize()) : null;
    }

    /** The client for {@code plan}'s transport. */
    static LoadClient create(LoadGenerator generator, ConnectPlan plan, int index) {
        return switch (plan.transport()) {
            case ECHO, WEBSOCKET -> new WebSocketClient(generator, plan, index);
            case SHORT_POLL -> new ShortPollClient(generator, plan, index);
            case LONG_POLL -> new LongPollClient(generator, plan, index);
            case SSE -> new SseClient(generator, plan, index);
        };
    }

    /** Opens its first connection. */
    abstract void start() throws IOException;

    /** One of its sockets is connected. */
    abstract void connected(ClientSocket socket) throws IOException;

    /** Bytes one of its sockets read; all of {@code in} must be consumed (the buffer is the generator's). */
    abstract void read(ClientSocket socket, ByteBuffer in) throws IOException, WebSocketException;

    /** The server closed one of its sockets. */
    abstract void ended(ClientSocket socket) throws IOException;

    /** Sends a chat message ({@code say}) the way its transport does. */
    abstract void say(String json) throws IOException;

    /** Sends an echo payload (WebSocket on {@code /echo} only). */
    void echo(String text) throws IOException {
        throw new IOException(plan.transport().id() + " has no echo");
    }

    /** Closes its sockets (the generator has marked it closed). */
    abstract void close();

    /** Still on its way to ready (neither ready nor failed). */
    boolean pendingReady() { return state != State.READY && state != State.CLOSED; }

    /** What traffic is for right now: {@code ready} once the client is ready, setup before. */
    Traffic.Part part(Traffic.Part ready) {
        return state == State.READY ? ready : Traffic.Part.SETUP;
    }

    /** The {@code join} a client sends first, in its room, under the name {@code u + index}. */
    String joinMessage() {
        return "{\"type\":\"join\",\"room\":\"" + room + "\",\"name\":\"u" + index + "\"}";
    }

    String name() { return "u" + index; }
}
