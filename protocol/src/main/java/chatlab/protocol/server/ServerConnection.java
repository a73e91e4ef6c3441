package chatlab.protocol.server;

import chatlab.protocol.chat.ChatMember;
import chatlab.protocol.chat.ChatSession;
import chatlab.protocol.chat.LabRunner;
import chatlab.protocol.chat.Outbound;
import chatlab.protocol.http.HttpException;
import chatlab.protocol.http.HttpResponses;
import chatlab.protocol.http.RequestHead;
import chatlab.protocol.http.RequestHeadParser;
import chatlab.protocol.ws.CloseCode;
import chatlab.protocol.ws.FrameCodec;
import chatlab.protocol.ws.FrameDecoder;
import chatlab.protocol.ws.FrameEncoder;
import chatlab.protocol.ws.MessageDecoder;
import chatlab.protocol.ws.Opcode;
import chatlab.protocol.ws.WebSocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Everything a server connection does that does not depend on the model: bytes in, bytes queued
 * out, no threads and no sockets ("sans-I/O"). It reads the request head, routes it, performs the
 * handshake, decodes frames, answers pings and closes, runs the chat or the echo, and queues every
 * answer in its {@link OutboundQueue}. The models differ only in how bytes reach {@link #onRead}
 * and how the queue reaches the socket, which is exactly what the lab compares.
 *
 * <p>Threads: {@link #onRead}, {@link #onIdle}, {@link #onHeadTimeout} and {@link #onGone} are
 * called by one thread at a time (the connection's reader thread, or the event loop). {@link
 * #deliver} and {@link #shutdown} may be called from any thread; they touch only the queue.
 *
 * <p>Bad input: a malformed head is answered with its 4xx status, a protocol violation with
 * its close code (1002, 1007, 1009), a client that does not read with 1008 once its queue passes
 * the bound. Each is counted in {@link ServerCounters} and ends only this connection.
 */
public final class ServerConnection implements FrameDecoder.Listener, ChatMember {

    /** How the model is told that the queue needs attention. */
    public interface Transport {
        /** Bytes were queued into an empty queue (called on the thread that queued them). */
        void outboundReady();

        /**
         * The queue now ends with its last bytes (a close frame or an HTTP answer): send them,
         * half-close, wait for the client to go, and give up on it after {@code grace}.
         * Called once per connection, from any thread.
         */
        void closing(Duration grace);
    }

    /** How long a closing connection may take to take its last bytes and go. */
    public static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    /** PROTOCOL.md: a slow consumer is given up on "after a few seconds". */
    public static final Duration SLOW_CONSUMER_GRACE = Duration.ofSeconds(3);

    /** The reason of the 1008 close, the same in every model and peer. */
    public static final String SLOW_CONSUMER_REASON = "outbound queue over its bound: client does not read";

    private static final byte[] SLOW_CONSUMER_CLOSE = FrameEncoder.serverClose(CloseCode.POLICY_VIOLATION, SLOW_CONSUMER_REASON);
    private static final byte[] GOING_AWAY_CLOSE = FrameEncoder.serverClose(CloseCode.GOING_AWAY, "server stopping");
    private static final byte[] NOTHING = new byte[0];

    private enum State { HEAD, CHAT, ECHO, CLOSING }

    private final ServerContext context;
    private final Transport transport;
    private final LabRunner lab;
    private final OutboundQueue outbound;
    /** Only until the head is complete: a connection that lives for hours should not keep it. */
    private RequestHeadParser headParser = new RequestHeadParser();
    private State state = State.HEAD;
    private MessageDecoder decoder;
    private ChatSession chat;
    private boolean pinged;

    public ServerConnection(ServerContext context, Transport transport, LabRunner lab) {
        this.context = context;
        this.transport = transport;
        this.lab = lab;
        this.outbound = new OutboundQueue(context.config().outboundBoundBytes());
    }

    /** The bytes waiting for this connection's socket. */
    public OutboundQueue outbound() { return outbound; }

    /** Whether the request head is complete (the head timeout no longer applies). */
    public boolean headComplete() { return state != State.HEAD; }

    /** Whether the connection became a WebSocket (it then counts in {@code connections}). */
    public boolean isWebSocket() { return decoder != null; }

    /** Bytes the socket read. */
    public void onRead(ByteBuffer in) {
        pinged = false;
        try {
            if (state == State.HEAD) {
                RequestHead head = headParser.feed(in);
                if (head == null) return;
                headParser = null;
                context.counters().httpRequest();
                route(head);
            }
            if (state == State.CHAT || state == State.ECHO) {
                decoder.decode(in, this);
            }
        } catch (HttpException e) {
            context.counters().httpReject();
            answerAndClose(HttpResponses.error(e));
        } catch (WebSocketException e) {
            context.counters().protocolClose();
            closeWith(e.closeCode(), e.reason(), CLOSE_GRACE);
        }
        if (state == State.CLOSING) {
            in.position(in.limit()); // after our close frame, the client's bytes are read and dropped
        }
    }

    /**
     * The connection has been silent for the idle interval: the first time, ping it; if it stays
     * silent for another interval, close it with 1001.
     */
    public void onIdle() {
        if (state != State.CHAT && state != State.ECHO) return;
        if (!pinged) {
            pinged = true;
            send(codec().serverFrame(Opcode.PING, "chatlab idle".getBytes(StandardCharsets.US_ASCII)));
        } else {
            context.counters().idleClose();
            closeWith(CloseCode.GOING_AWAY, "idle", CLOSE_GRACE);
        }
    }

    /** The request head did not arrive in time: the model disconnects without an answer. */
    public void onHeadTimeout() {
        context.counters().headTimeout();
        state = State.CLOSING;
    }

    /** The socket is closed for good: leave the rooms, stop counting this connection. Call once. */
    public void onGone() {
        if (chat != null) chat.onDisconnect();
        if (decoder != null) context.counters().connectionClosed();
        state = State.CLOSING;
    }

    /** The server is stopping: close with 1001. Any thread. */
    public void shutdown() {
        if (outbound.close(decoder != null ? GOING_AWAY_CLOSE : NOTHING)) {
            transport.closing(CLOSE_GRACE);
        }
    }

    @Override
    public void deliver(Outbound message) {
        send(message.frame());
    }

    // ---- FrameDecoder.Listener: called while decoding, on the reading thread ----

    @Override
    public void onMessage(int opcode, byte[] payload) {
        context.counters().messageIn(payload.length);
        if (state == State.ECHO) {
            byte[] frame = codec().serverFrame(opcode, payload);
            context.counters().messageOut(frame.length);
            send(frame);
        } else if (opcode == Opcode.TEXT) {
            chat.onText(new String(payload, StandardCharsets.UTF_8));
        } else {
            context.counters().appError();
            deliver(chatlab.protocol.chat.ChatJson.error("bad_json", "chat messages are JSON text frames", null));
        }
    }

    @Override
    public void onPing(byte[] payload) {
        send(codec().serverFrame(Opcode.PONG, payload));
    }

    @Override
    public void onPong(byte[] payload) {
        // Any input, a pong included, already counted as activity in onRead.
    }

    @Override
    public void onClose(int code, String reason) {
        byte[] reply = code == CloseCode.NO_STATUS
                ? codec().serverFrame(Opcode.CLOSE, NOTHING)
                : codec().serverClose(code, "");
        state = State.CLOSING;
        if (outbound.close(reply)) {
            transport.closing(CLOSE_GRACE);
        }
    }

    // ---- routing ----

    private void route(RequestHead head) throws HttpException {
        String path = head.path();
        switch (path) {
            case "/ws", "/echo" -> {
                requireGet(head);
                byte[] accepted = context.config().handshake().accept(head);
                send(accepted);
                decoder = codec().newDecoder(FrameDecoder.Role.SERVER, context.config().maxMessageBytes());
                context.counters().connectionOpened();
                if (path.equals("/ws")) {
                    chat = new ChatSession(context.hub(), this, context.config(), lab, context.counters()::appError);
                    state = State.CHAT;
                } else {
                    state = State.ECHO;
                }
            }
            case "/stats" -> {
                requireGet(head);
                answerAndClose(HttpResponses.json(200, context.stats().toJson()));
            }
            case "/", "/index.html" -> {
                requireGet(head);
                answerAndClose(HttpResponses.html(200, IndexPage.html(context.model())));
            }
            default -> throw new HttpException(404, "no such endpoint: " + abbreviate(path));
        }
    }

    private static void requireGet(RequestHead head) throws HttpException {
        if (!head.method().equals("GET")) throw new HttpException(405, head.method() + " is not allowed here; use GET");
    }

    private void answerAndClose(byte[] response) {
        send(response);
        state = State.CLOSING;
        if (outbound.close(NOTHING)) {
            transport.closing(CLOSE_GRACE);
        }
    }

    private void closeWith(int code, String reason, Duration grace) {
        if (outbound.close(codec().serverClose(code, reason))) {
            transport.closing(grace);
        }
        state = State.CLOSING;
    }

    private void send(byte[] bytes) {
        switch (outbound.offer(ByteBuffer.wrap(bytes), SLOW_CONSUMER_CLOSE)) {
            case QUEUED_FIRST -> transport.outboundReady();
            case OVERFLOWED -> {
                context.counters().slowConsumerClose();
                transport.outboundReady();
                transport.closing(SLOW_CONSUMER_GRACE);
            }
            case QUEUED, DROPPED -> { }
        }
    }

    /** The server's frame codec: chatlab's own, or the one an exercise plugs in (not a field: connections are many). */
    private FrameCodec codec() {
        return context.config().codec();
    }

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
