package chatlab.peers.javawebsocket;

import chatlab.peers.PeerConnection;
import chatlab.peers.PeerHttp;
import chatlab.protocol.http.HttpException;
import chatlab.protocol.http.RequestHead;
import chatlab.protocol.http.RequestHeadParser;
import chatlab.protocol.server.ServerConnection;
import chatlab.protocol.server.ServerContext;
import chatlab.protocol.server.ServerCounters;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;

/**
 * One connection of the {@code java-websocket} peer: the library's {@link WebSocketImpl}, which
 * first reads the request head itself (see {@link JavaWebSocketChatServer}), and then the
 * {@link PeerConnection.Outlet} through which its {@link PeerConnection} (the echo, the chat and
 * the hub's member) sends. This class keeps what is the library's: the socket and its queue, the
 * head phase, the idle ping and the closes.
 *
 * <p>Threads: {@link #decode} and the message callbacks run on the connection's worker thread;
 * {@link #gone} may run on the worker, the selector thread or the timer thread, which is why
 * {@link PeerConnection} locks its chat. The outlet methods may be called from any thread with a
 * room's lock held: they only append to the library's queue, and leave every close to the timer
 * thread (a close takes the library's lock on this object and calls back into the hub).
 */
final class PeerSocket extends WebSocketImpl implements PeerConnection.Outlet {

    private enum Phase { HEAD, ANSWERED, WEBSOCKET, GONE }

    private static final long ANSWER_POLL_MILLIS = 5;

    private final ServerContext context;
    private final ServerCounters counters;
    private final ScheduledExecutorService timers;
    private final JavaWebSocketChatServer server;
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.HEAD);
    private final ScheduledFuture<?> headTimer;

    // ---- head phase: worker thread only; both dropped once the head is complete ----
    private RequestHeadParser headParser = new RequestHeadParser();
    /** Every byte read until the head is complete, handed to the library as it came. */
    private ByteArrayOutputStream headBytes = new ByteArrayOutputStream(512);
    private PeerHttp.Endpoint endpoint;

    // ---- WebSocket phase ----
    private final PeerConnection connection;
    private volatile long lastHeardNanos = System.nanoTime();
    /** When the idle ping went out, or 0 when none is outstanding. */
    private volatile long pingedNanos;
    /** Set once the server gives up on the connection (slow consumer, idle): nothing more is sent. */
    private final AtomicBoolean closing = new AtomicBoolean();
    /** The queue's size when last summed, and the bytes queued since: a cheap upper bound on it. */
    private volatile long countedBytes;
    private final AtomicLong bytesSinceCount = new AtomicLong();

    PeerSocket(WebSocketAdapter listener, List<Draft> drafts, ServerContext context,
               ScheduledExecutorService timers, JavaWebSocketChatServer server) {
        super(listener, drafts);
        this.context = context;
        this.counters = context.counters();
        this.timers = timers;
        this.server = server;
        this.connection = new PeerConnection(context, this);
        this.headTimer = timers.schedule(this::headTimedOut, context.config().headTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Bytes from the socket (worker thread): the request head is ours, the rest the library's. */
    @Override
    public void decode(ByteBuffer socketBuffer) {
        switch (phase.get()) {
            case WEBSOCKET -> super.decode(socketBuffer);
            case HEAD -> decodeHead(socketBuffer);
            case ANSWERED, GONE -> socketBuffer.position(socketBuffer.limit());
        }
    }

    private void decodeHead(ByteBuffer socketBuffer) {
        RequestHead head;
        try {
            head = headParser.feed(socketBuffer.duplicate());
        } catch (HttpException e) {
            headParser = null;
            headBytes = null;
            answer(PeerHttp.Answer.text(e.status(), e.getMessage() + "\n", null, null));
            return;
        }
        headBytes.write(socketBuffer.array(), socketBuffer.arrayOffset() + socketBuffer.position(), socketBuffer.remaining());
        socketBuffer.position(socketBuffer.limit());
        if (head == null) return;
        byte[] bytes = headBytes.toByteArray();
        headParser = null;
        headBytes = null;
        counters.httpRequest();
        PeerHttp.Endpoint wanted = PeerHttp.endpoint(head.path());
        PeerHttp.Answer answer = wanted == null
                ? PeerHttp.answer(head, context)
                : PeerHttp.checkUpgrade(head);
        if (answer != null) {
            answer(answer);
            return;
        }
        if (!phase.compareAndSet(Phase.HEAD, Phase.WEBSOCKET)) return; // timed out meanwhile
        headTimer.cancel(false);
        endpoint = wanted;
        super.decode(ByteBuffer.wrap(bytes)); // the library's handshake, then opened()
    }

    /** Queues a plain HTTP answer and closes the socket once it is written (or the grace is over). */
    private void answer(PeerHttp.Answer answer) {
        if (!phase.compareAndSet(Phase.HEAD, Phase.ANSWERED)) return;
        headTimer.cancel(false);
        if (answer.isReject()) counters.httpReject();
        outQueue.add(ByteBuffer.wrap(answer.toBytes()));
        getWebSocketListener().onWriteDemand(this);
        // The library closes a socket that never became a WebSocket only when the client does.
        closeWhenSent(System.nanoTime() + ServerConnection.CLOSE_GRACE.toNanos());
    }

    /** Polls the queue: the selector thread removes a buffer from it once the socket took all of it. */
    private void closeWhenSent(long deadlineNanos) {
        if (outQueue.isEmpty() || System.nanoTime() - deadlineNanos >= 0) {
            closeConnection(CloseFrame.NEVER_CONNECTED, "answered");
            return;
        }
        try {
            timers.schedule(() -> closeWhenSent(deadlineNanos), ANSWER_POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            closeConnection(CloseFrame.NEVER_CONNECTED, "server stopped");
        }
    }

    private void headTimedOut() {
        if (phase.compareAndSet(Phase.HEAD, Phase.GONE)) {
            counters.headTimeout();
            closeConnection(CloseFrame.NEVER_CONNECTED, "head timeout");
        }
    }

    // ---- WebSocket phase: called by JavaWebSocketChatServer's listener ----

    /**
     * The library opened the WebSocket (worker thread).
     *
     * @return false when the connection was closed before the library reported it open: the
     *     library writes the 101 before it registers the connection, so a client that drops right
     *     after reading it is closed unseen (no {@code onClose}), and this method undoes itself
     */
    boolean opened() {
        heard();
        connection.open(endpoint);
        if (phase.get() == Phase.GONE) {
            gone();
            return false;
        }
        return true;
    }

    void onText(String text) {
        heard();
        connection.onText(text);
    }

    void onBinary(ByteBuffer payload) {
        heard();
        connection.onBinary(payload);
    }

    /** A frame arrived (a whole message, a ping or a pong): the connection is not idle. */
    void heard() {
        lastHeardNanos = System.nanoTime();
        pingedNanos = 0;
    }

    /** The WebSocket is closed for good (any thread): leave the rooms. Idempotent. */
    void gone() {
        connection.close();
    }

    /** Timer thread: ping after one silent interval, close with 1001 after another. */
    void checkIdle(long now) {
        rearmStrandedWrite();
        if (!isOpen() || closing.get()) return;
        long idle = context.config().idleInterval().toNanos();
        long pinged = pingedNanos;
        if (pinged == 0) {
            if (now - lastHeardNanos >= idle) {
                pingedNanos = now;
                try {
                    sendPing();
                } catch (WebsocketNotConnectedException e) {
                    // Closed meanwhile.
                }
            }
        } else if (now - pinged >= idle && closing.compareAndSet(false, true)) {
            counters.idleClose();
            close(CloseFrame.GOING_AWAY, "idle");
            closeLater(ServerConnection.CLOSE_GRACE, CloseFrame.GOING_AWAY, "idle");
        }
    }

    /**
     * Timer thread: Java-WebSocket 1.6.0 can lose a write wake-up. Its selector thread, having
     * found the queue empty, sets the key back to {@code OP_READ} without a lock, and a worker
     * that queued a frame and asked for {@code OP_WRITE} just before loses that interest: the
     * frame waits in {@link #outQueue} until something else is sent to the same client. Each idle
     * sweep asks again for whatever it finds stranded that way.
     */
    private void rearmStrandedWrite() {
        SelectionKey key = getSelectionKey();
        if (key == null || outQueue.isEmpty()) return;
        try {
            if (key.isValid() && (key.interestOps() & SelectionKey.OP_WRITE) == 0) {
                getWebSocketListener().onWriteDemand(this);
            }
        } catch (CancelledKeyException e) {
            // Closed meanwhile: nothing is left to write.
        }
    }

    /** Every way the library ends a connection comes through here, exactly once in effect. */
    @Override
    public synchronized void closeConnection(int code, String message, boolean remote) {
        phase.set(Phase.GONE);
        headTimer.cancel(false);
        super.closeConnection(code, message, remote);
        server.forget(this);
    }

    /**
     * Counts {@code wire} more bytes against the bound. The library's queue is summed only when
     * the running estimate passes the bound, so a client that keeps up costs nothing extra.
     *
     * @return whether the bytes may be queued; false after starting the slow-consumer close
     */
    @Override
    public boolean reserve(int wire) {
        if (closing.get() || !isOpen()) return false;
        long bound = context.config().outboundBoundBytes();
        if (countedBytes + bytesSinceCount.addAndGet(wire) <= bound) return true;
        long queued = wire;
        for (ByteBuffer frame : outQueue) {
            queued += frame.remaining();
        }
        countedBytes = queued - wire;
        bytesSinceCount.set(wire);
        if (queued <= bound) return true;
        if (closing.compareAndSet(false, true)) {
            counters.slowConsumerClose();
            try {
                timers.execute(() -> close(CloseFrame.POLICY_VALIDATION, ServerConnection.SLOW_CONSUMER_REASON));
                timers.schedule(() -> closeConnection(CloseFrame.POLICY_VALIDATION, ServerConnection.SLOW_CONSUMER_REASON),
                        ServerConnection.SLOW_CONSUMER_GRACE.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // The server is stopping and closes every connection itself.
            }
        }
        return false;
    }

    /** Appends the frame to the library's queue; the bytes stay counted until the queue is summed again. */
    @Override
    public void sendText(String text, int wire) {
        try {
            send(text);
        } catch (WebsocketNotConnectedException e) {
            // Closing: the message is dropped with the connection.
        }
    }

    /** Like {@link #sendText}; the library encodes {@code payload} into its own frame before returning. */
    @Override
    public void sendBinary(ByteBuffer payload, int wire) {
        try {
            send(payload);
        } catch (WebsocketNotConnectedException e) {
            // Closing: the message is dropped with the connection.
        }
    }

    /** Timer thread only (never under a room's lock): cuts the connection after {@code grace}. */
    private void closeLater(Duration grace, int code, String reason) {
        try {
            timers.schedule(() -> closeConnection(code, reason), grace.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            closeConnection(code, reason); // the server is stopping
        }
    }
}
