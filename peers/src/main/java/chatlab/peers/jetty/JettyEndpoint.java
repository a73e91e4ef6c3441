package chatlab.peers.jetty;

import chatlab.peers.PeerConnection;
import chatlab.peers.PeerHttp;
import chatlab.protocol.server.ServerConnection;
import chatlab.protocol.server.ServerContext;
import chatlab.protocol.server.ServerCounters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.exceptions.CloseException;
import org.eclipse.jetty.websocket.api.exceptions.WebSocketTimeoutException;

/**
 * One WebSocket of the {@code jetty} peer: a {@link Session.Listener} that Jetty calls, and the
 * {@link PeerConnection.Outlet} through which its {@link PeerConnection} (the echo, the chat and
 * the hub's member) sends. This class keeps what is Jetty's: the {@link Session}, the bytes Jetty
 * still holds for the client, the idle ping and the closes.
 *
 * <p>Jetty calls the frame methods one at a time (auto-demand), but {@link #onWebSocketClose} may
 * come from another thread (an idle timeout, a failed write); {@link PeerConnection} locks its
 * chat for that. The outlet methods may be called from any thread, with a room's lock held: they
 * only start an asynchronous send, and hand any close to another thread.
 *
 * <p>Public only because Jetty binds the listener methods through method handles, which need a
 * public class.
 */
public final class JettyEndpoint implements Session.Listener.AutoDemanding, PeerConnection.Outlet {

    private static final byte[] IDLE_PING = "chatlab idle".getBytes(StandardCharsets.US_ASCII);

    private final PeerHttp.Endpoint endpoint;
    private final ServerContext context;
    private final ServerCounters counters;
    private final Executor executor;
    private final Scheduler scheduler;
    private final PeerConnection connection;
    /** Bytes handed to Jetty whose send has not completed: what Jetty still holds for this client. */
    private final AtomicLong pendingBytes = new AtomicLong();
    /** Set once the server gives up on the connection (slow consumer, idle): nothing more is sent. */
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Session session;
    private volatile boolean pinged;
    private volatile Scheduler.Task giveUp;

    JettyEndpoint(PeerHttp.Endpoint endpoint, ServerContext context, Executor executor, Scheduler scheduler) {
        this.endpoint = endpoint;
        this.context = context;
        this.counters = context.counters();
        this.executor = executor;
        this.scheduler = scheduler;
        this.connection = new PeerConnection(context, this);
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        session.addIdleTimeoutListener(this::onIdleTimeout);
        connection.open(endpoint);
    }

    @Override
    public void onWebSocketText(String text) {
        pinged = false;
        connection.onText(text);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        pinged = false;
        connection.onBinary(payload);
        callback.succeed();
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        pinged = false;
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        if (cause instanceof CloseException close && PeerConnection.isProtocolClose(close.getStatusCode())) {
            counters.protocolClose();
        } else if (!(cause instanceof WebSocketTimeoutException)) {
            counters.ioError(); // a reset or a failed write; idle timeouts are counted when they happen
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        Scheduler.Task task = giveUp;
        if (task != null) task.cancel();
        connection.close();
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
    @Override
    public boolean reserve(int wire) {
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
                    session.close(StatusCode.POLICY_VIOLATION, ServerConnection.SLOW_CONSUMER_REASON, Callback.NOOP);
                    giveUp = scheduler.schedule(session::disconnect, ServerConnection.SLOW_CONSUMER_GRACE);
                });
            } catch (RejectedExecutionException e) {
                // The server is stopping and closes every session itself.
            }
        }
        return false;
    }

    /** An asynchronous send; the reserved bytes are given back when it completes. */
    @Override
    public void sendText(String text, int wire) {
        session.sendText(text, release(wire));
    }

    @Override
    public void sendBinary(ByteBuffer payload, int wire) {
        // Jetty recycles the payload when onWebSocketBinary's callback completes: echo a copy, read on.
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
        session.sendBinary(copy, release(wire));
    }

    private Callback release(int wire) {
        return Callback.from(() -> pendingBytes.addAndGet(-wire), failure -> pendingBytes.addAndGet(-wire));
    }
}
