package chatlab.peers.javawebsocket;

import chatlab.peers.PeerHttp;
import chatlab.peers.WireBytes;
import chatlab.protocol.chat.ChatJson;
import chatlab.protocol.chat.ChatMember;
import chatlab.protocol.chat.ChatSession;
import chatlab.protocol.chat.LabRunner;
import chatlab.protocol.chat.Outbound;
import chatlab.protocol.http.HttpException;
import chatlab.protocol.http.RequestHead;
import chatlab.protocol.http.RequestHeadParser;
import chatlab.protocol.server.ServerConnection;
import chatlab.protocol.server.ServerContext;
import chatlab.protocol.server.ServerCounters;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;

/**
 * One connection of the {@code java-websocket} peer: the library's {@link WebSocketImpl}, which
 * first reads the request head itself (see {@link JavaWebSocketChatServer}), and then the
 * {@link ChatMember} that the hub delivers to.
 *
 * <p>Threads: {@link #decode} and the message callbacks run on the connection's worker thread;
 * {@link #gone} may run on the worker, the selector thread or the timer thread, so the
 * {@link ChatSession} is used under {@link #chatLock}. {@link #deliver} may be called from any
 * thread with a room's lock held: it only appends to the library's queue, and leaves every close
 * to the timer thread (a close takes the library's lock on this object and calls back into the hub).
 */
final class PeerSocket extends WebSocketImpl implements ChatMember {

    private enum Phase { HEAD, ANSWERED, WEBSOCKET, GONE }

    private static final String SLOW_CONSUMER = "outbound queue over its bound: client does not read";
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
    private final ReentrantLock chatLock = new ReentrantLock();
    /** Guarded by {@link #chatLock}; null on {@code /echo} and once the connection is gone. */
    private ChatSession chat;
    private volatile long lastHeardNanos = System.nanoTime();
    /** When the idle ping went out, or 0 when none is outstanding. */
    private volatile long pingedNanos;
    /** Whether {@code connections} counts this socket: set by {@link #opened}, cleared by {@link #gone}. */
    private final AtomicBoolean counted = new AtomicBoolean();
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
            answer(new PeerHttp.Answer(e.status(), "text/plain; charset=utf-8", e.getMessage() + "\n", null, null));
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
                ? PeerHttp.answer(head, JavaWebSocketChatServer.MODEL, counters)
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
        counters.connectionOpened();
        counted.set(true);
        heard();
        if (endpoint == PeerHttp.Endpoint.CHAT) {
            chatLock.lock();
            try {
                chat = new ChatSession(context.hub(), this, context.config(), LabRunner.INLINE, counters::appError);
            } finally {
                chatLock.unlock();
            }
        }
        if (phase.get() == Phase.GONE) {
            gone();
            return false;
        }
        return true;
    }

    void onText(String text) {
        heard();
        int bytes = WireBytes.utf8(text);
        counters.messageIn(bytes);
        if (endpoint == PeerHttp.Endpoint.ECHO) {
            int wire = WireBytes.serverFrame(bytes);
            if (reserve(wire)) {
                counters.messageOut(wire);
                sendQuietly(text);
            }
            return;
        }
        chatLock.lock();
        try {
            if (chat != null) chat.onText(text);
        } finally {
            chatLock.unlock();
        }
    }

    void onBinary(ByteBuffer payload) {
        heard();
        int bytes = payload.remaining();
        counters.messageIn(bytes);
        if (endpoint == PeerHttp.Endpoint.ECHO) {
            int wire = WireBytes.serverFrame(bytes);
            if (reserve(wire)) {
                counters.messageOut(wire);
                try {
                    send(payload);
                } catch (WebsocketNotConnectedException e) {
                    // Closing: the message is dropped with the connection.
                }
            }
        } else {
            counters.appError();
            deliver(ChatJson.error("bad_json", "chat messages are JSON text frames", null));
        }
    }

    /** A frame arrived (a whole message, a ping or a pong): the connection is not idle. */
    void heard() {
        lastHeardNanos = System.nanoTime();
        pingedNanos = 0;
    }

    /** The WebSocket is closed for good (any thread): leave the rooms. Idempotent. */
    void gone() {
        if (!counted.compareAndSet(true, false)) return;
        counters.connectionClosed();
        chatLock.lock();
        try {
            if (chat != null) chat.onDisconnect();
            chat = null;
        } finally {
            chatLock.unlock();
        }
    }

    @Override
    public void deliver(Outbound message) {
        if (reserve(message.frame().length)) {
            sendQuietly(message.json());
        }
    }

    /** Timer thread: ping after one silent interval, close with 1001 after another. */
    void checkIdle(long now) {
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
    private boolean reserve(int wire) {
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
                timers.execute(() -> close(CloseFrame.POLICY_VALIDATION, SLOW_CONSUMER));
                timers.schedule(() -> closeConnection(CloseFrame.POLICY_VALIDATION, SLOW_CONSUMER),
                        ServerConnection.SLOW_CONSUMER_GRACE.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // The server is stopping and closes every connection itself.
            }
        }
        return false;
    }

    private void sendQuietly(String text) {
        try {
            send(text);
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
