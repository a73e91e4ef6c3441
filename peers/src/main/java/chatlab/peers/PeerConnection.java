package chatlab.peers;

import chatlab.protocol.chat.ChatMember;
import chatlab.protocol.chat.ChatSession;
import chatlab.protocol.chat.LabRunner;
import chatlab.protocol.chat.Outbound;
import chatlab.protocol.server.ServerContext;
import chatlab.protocol.server.ServerCounters;
import chatlab.protocol.ws.CloseCode;
import chatlab.protocol.ws.WireBytes;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What one peer WebSocket does once its library has decoded a message, whatever the library:
 * it counts the connection and its messages, echoes on {@code /echo}, runs the chat on
 * {@code /ws}, and is the {@link ChatMember} that the hub delivers to. The library's side is an
 * {@link Outlet}: how bytes are counted against the outbound bound and sent. It plays, for the
 * Jetty and Java-WebSocket peers, the part that {@code ServerConnection} plays for the core models
 * once a frame is decoded.
 *
 * <p><b>Threads.</b> The library calls {@link #open}, {@link #onText} and {@link #onBinary} one at
 * a time, but {@link #close} may come from another thread (an idle timeout, a failed write, a
 * timer), so the {@link ChatSession} is used under {@link #chatLock}. {@link #deliver} may be
 * called from any thread with a room's lock held: it only hands the message to the outlet. The
 * Netty peer does not need this class: its handler runs on one event loop and keeps a plain
 * {@link ChatSession}.
 *
 * <p><b>Who owns what.</b> This class owns the {@link ChatSession} and the connection's place in
 * the {@code connections} count. The peer owns the library's session or socket, the bytes it
 * holds for the client, the idle timer and every close.
 */
public final class PeerConnection implements ChatMember {

    /**
     * The library's way out. Called from any thread, possibly with a room's lock held: nothing
     * here may block, or close the connection inline (a close calls back into the hub).
     */
    public interface Outlet {

        /**
         * Counts {@code wireBytes} more against the outbound bound.
         *
         * @return whether the message may be sent; false once the connection is closing, or after
         *     starting the slow-consumer close because these bytes pass the bound
         */
        boolean reserve(int wireBytes);

        /** Sends a text message whose {@code wireBytes} were reserved. */
        void sendText(String text, int wireBytes);

        /**
         * Sends a binary message whose {@code wireBytes} were reserved. {@code payload} is valid
         * only during the call: a library that sends later must send a copy.
         */
        void sendBinary(ByteBuffer payload, int wireBytes);
    }

    private final ServerContext context;
    private final ServerCounters counters;
    private final Outlet outlet;
    /** Whether {@code connections} counts this WebSocket: set by {@link #open}, cleared by {@link #close}. */
    private final AtomicBoolean counted = new AtomicBoolean();
    private final ReentrantLock chatLock = new ReentrantLock();
    /** Written once by {@link #open}; volatile because a library may call open and onText on different pool threads. */
    private volatile PeerHttp.Endpoint endpoint;
    /** Guarded by {@link #chatLock}; null on {@code /echo}, before {@link #open} and after {@link #close}. */
    private ChatSession chat;

    public PeerConnection(ServerContext context, Outlet outlet) {
        this.context = context;
        this.counters = context.counters();
        this.outlet = outlet;
    }

    /** The library completed the handshake for {@code endpoint}. */
    public void open(PeerHttp.Endpoint endpoint) {
        this.endpoint = endpoint;
        counters.connectionOpened();
        counted.set(true);
        if (endpoint == PeerHttp.Endpoint.CHAT) {
            chatLock.lock();
            try {
                chat = new ChatSession(context, this, LabRunner.INLINE);
            } finally {
                chatLock.unlock();
            }
        }
    }

    /** A whole text message from the client. */
    public void onText(String text) {
        int bytes = WireBytes.utf8(text);
        counters.messageIn(bytes);
        if (endpoint == PeerHttp.Endpoint.ECHO) {
            int wire = WireBytes.serverFrame(bytes);
            if (outlet.reserve(wire)) {
                counters.messageOut(wire);
                outlet.sendText(text, wire);
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

    /** A whole binary message from the client: echoed on {@code /echo}, an {@code error} on {@code /ws}. */
    public void onBinary(ByteBuffer payload) {
        int bytes = payload.remaining();
        counters.messageIn(bytes);
        if (endpoint == PeerHttp.Endpoint.ECHO) {
            int wire = WireBytes.serverFrame(bytes);
            if (outlet.reserve(wire)) {
                counters.messageOut(wire);
                outlet.sendBinary(payload, wire);
            }
        } else {
            counters.appError();
            deliver(context.json().error("bad_json", "chat messages are JSON text frames", null));
        }
    }

    /** The WebSocket is closed for good (any thread): leave every room. Idempotent. */
    public void close() {
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

    /** The hub's messages, sent as text unless the outlet refuses them (closing, or past the bound). */
    @Override
    public void deliver(Outbound message) {
        int wire = message.frameLength();
        if (outlet.reserve(wire)) {
            outlet.sendText(message.json(), wire);
        }
    }

    /** Whether a close the library sent for {@code code} counts in {@code protocolCloses}: 1002, 1007 and 1009. */
    public static boolean isProtocolClose(int code) {
        return code == CloseCode.PROTOCOL_ERROR || code == CloseCode.BAD_PAYLOAD || code == CloseCode.MESSAGE_TOO_BIG;
    }
}
