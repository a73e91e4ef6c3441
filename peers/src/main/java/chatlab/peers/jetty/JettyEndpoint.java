package chatlab.peers.jetty;

import chatlab.peers.PeerHttp;
import chatlab.peers.WireBytes;
import chatlab.protocol.chat.ChatJson;
import chatlab.protocol.chat.ChatMember;
import chatlab.protocol.chat.ChatSession;
import chatlab.protocol.chat.LabRunner;
import chatlab.protocol.chat.Outbound;
import chatlab.protocol.server.ServerConnection;
import chatlab.protocol.server.ServerContext;
import chatlab.protocol.server.ServerCounters;
import chatlab.protocol.ws.CloseCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.exceptions.CloseException;
import org.eclipse.jetty.websocket.api.exceptions.WebSocketTimeoutException;

/**
 * One WebSocket of the {@code jetty} peer: a {@link Session.Listener} that Jetty calls, and the
 * {@link ChatMember} that the hub delivers to.
 *
 * <p>Jetty calls the frame methods one at a time (auto-demand), but {@link #onWebSocketClose} may
 * come from another thread (an idle timeout, a failed write), so the {@link ChatSession} is used
 * under {@link #chatLock}. {@link #deliver} may be called from any thread, with a room's lock held:
 * it only starts an asynchronous send, and hands any close to another thread.
 *
 * <p>Public only because Jetty binds the listener methods through method handles, which need a
 * public class.
 */
public final class JettyEndpoint implements Session.Listener.AutoDemanding, ChatMember {

    private static final byte[] IDLE_PING = "chatlab idle".getBytes(StandardCharsets.US_ASCII);
    private static final String SLOW_CONSUMER = "outbound queue over its bound: client does not read";

    private final PeerHttp.Endpoint endpoint;
    private final ServerContext context;
    private final ServerCounters counters;
    private final Executor executor;
    private final Scheduler scheduler;
    /** Bytes handed to Jetty whose send has not completed: what Jetty still holds for this client. */
    private final AtomicLong pendingBytes = new AtomicLong();
    /** Set once the server gives up on the connection (slow consumer, idle): nothing more is sent. */
    private final AtomicBoolean closing = new AtomicBoolean();
    private final ReentrantLock chatLock = new ReentrantLock();
    private volatile Session session;
    private volatile boolean pinged;
    private volatile Scheduler.Task giveUp;
    /** Guarded by {@link #chatLock}; null on {@code /echo} and once the connection is gone. */
    private ChatSession chat;

    JettyEndpoint(PeerHttp.Endpoint endpoint, ServerContext context, Executor executor, Scheduler scheduler) {
        this.endpoint = endpoint;
        this.context = context;
        this.counters = context.counters();
        this.executor = executor;
        this.scheduler = scheduler;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        counters.connectionOpened();
        session.addIdleTimeoutListener(this::onIdleTimeout);
        if (endpoint == PeerHttp.Endpoint.CHAT) {
            chatLock.lock();
            try {
                chat = new ChatSession(context.hub(), this, context.config(), LabRunner.INLINE, counters::appError);
            } finally {
                chatLock.unlock();
            }
        }
    }

    @Override
    public void onWebSocketText(String text) {
        pinged = false;
        int bytes = WireBytes.utf8(text);
        counters.messageIn(bytes);
        if (endpoint == PeerHttp.Endpoint.ECHO) {
            int wire = WireBytes.serverFrame(bytes);
            if (reserve(wire)) {
                counters.messageOut(wire);
                session.sendText(text, release(wire));
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

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        pinged = false;
        int bytes = payload.remaining();
        counters.messageIn(bytes);
        if (endpoint == PeerHttp.Endpoint.ECHO) {
            int wire = WireBytes.serverFrame(bytes);
            if (reserve(wire)) {
                counters.messageOut(wire);
                // Jetty recycles the payload when the callback completes: echo a copy, read on.
                ByteBuffer copy = ByteBuffer.allocate(bytes).put(payload).flip();
                session.sendBinary(copy, release(wire));
            }
        } else {
            counters.appError();
            deliver(ChatJson.error("bad_json", "chat messages are JSON text frames", null));
        }
        callback.succeed();
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        pinged = false;
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        if (cause instanceof CloseException close && isProtocolClose(close.getStatusCode())) {
            counters.protocolClose();
        } else if (!(cause instanceof WebSocketTimeoutException)) {
            counters.ioError(); // a reset or a failed write; idle timeouts are counted when they happen
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        Scheduler.Task task = giveUp;
        if (task != null) task.cancel();
        counters.connectionClosed();
        chatLock.lock();
        try {
            if (chat != null) chat.onDisconnect();
            chat = null;
        } finally {
            chatLock.unlock();
        }
    }

    /** The hub's messages: an asynchronous {@code sendText}, or a slow-consumer close past the bound. */
    @Override
    public void deliver(Outbound message) {
        Session s = session;
        if (s == null) return;
        int wire = message.frame().length;
        if (reserve(wire)) {
            s.sendText(message.json(), release(wire));
        }
    }

    /**
     * Jetty's idle timeout expired: the first time, ping and keep the connection; if it expires
     * again without a frame from the client in between, close it with 1001.
     *
     * @return true to let Jetty fail the connection (only once our close frame has had its chance)
     */
    private boolean onIdleTimeout(WebSocketTimeoutException timeout) {
        if (closing.get()) return true;
        if (!pinged) {
            pinged = true;
            session.sendPing(ByteBuffer.wrap(IDLE_PING), Callback.NOOP);
            return false;
        }
        if (closing.compareAndSet(false, true)) {
            counters.idleClose();
            session.close(StatusCode.SHUTDOWN, "idle", Callback.NOOP);
        }
        return false;
    }

    /** Counts {@code wire} bytes as pending, or starts the slow-consumer close if they pass the bound. */
    private boolean reserve(int wire) {
        if (closing.get()) return false;
        if (pendingBytes.addAndGet(wire) <= context.config().outboundBoundBytes()) return true;
        pendingBytes.addAndGet(-wire);
        if (closing.compareAndSet(false, true)) {
            counters.slowConsumerClose();
            // Never close from here: the caller may hold a room's lock, and a close can call back
            // into the hub. A pool thread sends 1008 (Jetty drops the queued frames for an
            // abnormal close), and the scheduler cuts a client that does not take even that.
            try {
                executor.execute(() -> {
                    session.close(StatusCode.POLICY_VIOLATION, SLOW_CONSUMER, Callback.NOOP);
                    giveUp = scheduler.schedule(session::disconnect, ServerConnection.SLOW_CONSUMER_GRACE);
                });
            } catch (RejectedExecutionException e) {
                // The server is stopping and closes every session itself.
            }
        }
        return false;
    }

    private Callback release(int wire) {
        return Callback.from(() -> pendingBytes.addAndGet(-wire), failure -> pendingBytes.addAndGet(-wire));
    }

    private static boolean isProtocolClose(int code) {
        return code == CloseCode.PROTOCOL_ERROR || code == CloseCode.BAD_PAYLOAD || code == CloseCode.MESSAGE_TOO_BIG;
    }
}
