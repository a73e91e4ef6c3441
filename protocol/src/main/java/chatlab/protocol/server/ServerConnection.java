package chatlab.protocol.server;

import chatlab.protocol.chat.ChatMember;
import chatlab.protocol.chat.ChatSession;
import chatlab.protocol.chat.LabRunner;
import chatlab.protocol.chat.Outbound;
import chatlab.protocol.http.HttpException;
import chatlab.protocol.http.HttpResponses;
import chatlab.protocol.http.RequestDecoder;
import chatlab.protocol.http.RequestDecoder.Request;
import chatlab.protocol.http.RequestHead;
import chatlab.protocol.http.Response;
import chatlab.protocol.http.ServerSentEvents;
import chatlab.protocol.session.HttpSession;
import chatlab.protocol.session.SessionEndpoints;
import chatlab.protocol.session.SessionEndpoints.Outcome;
import chatlab.protocol.ws.CloseCode;
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
 * out, no threads and no sockets ("sans-I/O"). It reads HTTP/1.1 requests one after another
 * (persistent connections, pipelining), answers them in order, runs the HTTP transports (polls,
 * held long polls, event streams), performs the WebSocket handshake, decodes frames, answers
 * pings and closes, runs the chat or the echo, and queues every answer in its
 * {@link OutboundQueue}. It also keeps the connection's one timer, {@link #deadline()}: the
 * request timeout, the keep-alive timeout, the WebSocket idle ping, the end of a long poll, the
 * heartbeat of an event stream.
 *
 * <p>The models differ only in how bytes reach {@link #onRead}, how the queue reaches the
 * socket, how they wait for {@link #deadline()}, and how they wait while a long poll is held
 * ({@link #heldPoll()}): the threaded models block the connection's thread on the session, the
 * evented model is told by {@link Transport#pollReady()}. That is exactly what the lab compares.
 * With a broker, a request for a session made on another server first waits, the same way, for
 * the broker to fetch it (a held poll with {@code after} -1), and is then handled as usual.
 *
 * <p>Threads: {@link #onRead}, {@link #onDeadline}, {@link #answerHeldPoll} and {@link #onGone}
 * are called by one thread at a time (the connection's reader thread, or the event loop).
 * {@link #deliver}, the session's callbacks and {@link #shutdown} may be called from any thread;
 * they touch only the queue and the transport.
 *
 * <p>Bad input: a request whose framing is broken (malformed head, 431, 413, bad chunk) is answered
 * with its status and the connection closes, since what follows cannot be trusted; a request read
 * whole but refused (404, 405, a bad parameter) is answered and the connection carries on. A
 * WebSocket protocol violation is closed with its code (1002, 1007, 1009), a client that does not
 * read is cut off once its queue passes the bound (1008 on a WebSocket). Each is counted in
 * {@link ServerCounters} and ends at most this connection.
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

        /**
         * A message arrived for the session of the held long poll: {@link #answerHeldPoll()} may
         * answer it now. Called on the delivering thread, possibly with a room's lock held: must
         * not block and must not answer here (schedule it).
         */
        void pollReady();
    }

    /** A long poll waiting for a message numbered above {@code after}, or for {@code deadlineNanos}. */
    public record HeldPoll(HttpSession session, long after, long deadlineNanos) {}

    /** How long a closing connection may take to take its last bytes and go. */
    public static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    /** PROTOCOL.md: a slow consumer is given up on "after a few seconds". */
    public static final Duration SLOW_CONSUMER_GRACE = Duration.ofSeconds(3);

    /** The reason of the 1008 close, the same in every model and peer. */
    public static final String SLOW_CONSUMER_REASON = "outbound queue over its bound: client does not read";

    /** Pipelined bytes kept while a long poll is held; past it the model stops reading ({@link #inputRoom()}). */
    static final int PENDING_LIMIT = 16 * 1024;

    private static final byte[] SLOW_CONSUMER_CLOSE = FrameEncoder.serverClose(CloseCode.POLICY_VIOLATION, SLOW_CONSUMER_REASON);
    private static final byte[] GOING_AWAY_CLOSE = FrameEncoder.serverClose(CloseCode.GOING_AWAY, "server stopping");
    private static final byte[] NOTHING = new byte[0];

    /**
     * REQUEST: reading HTTP requests (the first, or the next on a persistent connection).
     * HELD: a long poll waits; later requests wait behind it. STREAM: an event stream, until the end.
     * CHAT, ECHO: a WebSocket. CLOSING: the last bytes are queued; input is read and dropped.
     */
    private enum State { REQUEST, HELD, STREAM, CHAT, ECHO, CLOSING }

    private final ServerContext context;
    private final ServerConfig config;
    private final Transport transport;
    private final LabRunner lab;
    private final OutboundQueue outbound;
    private State state = State.REQUEST;
    private boolean gone;

    /** Null once the connection is a WebSocket. */
    private RequestDecoder requests;
    /** When the request being read started: the connection's accept, or the first byte of a later request. */
    private long requestStartedAt;
    /** When the last answer was queued (the keep-alive timeout runs from there); 0 before the first. */
    private long answeredAt;
    private boolean answeredOne;

    private HeldPoll held;
    private Response.Connection heldConnection;
    /** The request that waits for the broker to fetch its session (held like a poll), or null. */
    private Request fetching;
    /** Bytes that arrived behind a held long poll, for after its answer. */
    private ByteBuffer pending;
    /**
     * The session's call when a message arrives for the held poll (any thread, under its lock):
     * tell the model. Made at the first held poll, as {@link #streamSubscriber} is at the stream's
     * start: a WebSocket or plain HTTP connection, which never needs them, carries no such objects.
     */
    private HttpSession.Subscriber pollWake;

    private HttpSession streamSession;
    private long nextHeartbeat;
    private HttpSession.Subscriber streamSubscriber;

    private MessageDecoder frames;
    private ChatSession chat;
    private long lastInput;
    private boolean pinged;
    private long pingedAt;

    public ServerConnection(ServerContext context, Transport transport, LabRunner lab) {
        this.context = context;
        this.config = context.config();
        this.transport = transport;
        this.lab = lab;
        this.outbound = new OutboundQueue();
        this.requests = new RequestDecoder(config.maxMessageBytes());
        this.requestStartedAt = System.nanoTime();
        this.lastInput = requestStartedAt;
        context.counters().httpConnectionOpened();
    }

    /** The bytes waiting for this connection's socket. */
    public OutboundQueue outbound() { return outbound; }

    /** Whether the connection became a WebSocket (it then counts in {@code connections}). */
    public boolean isWebSocket() { return frames != null; }

    /** The long poll this connection holds, or null. */
    public HeldPoll heldPoll() { return held; }

    /**
     * How many bytes {@link #onRead} can take now: unlimited, except behind a held long poll, where
     * pipelined bytes wait in a bounded buffer. At 0 the model stops reading until the poll is answered.
     */
    public int inputRoom() {
        if (state != State.HELD) return Integer.MAX_VALUE;
        return pending == null ? PENDING_LIMIT : pending.remaining();
    }

    /**
     * When {@link #onDeadline} is due ({@link System#nanoTime()} scale), or {@link Long#MAX_VALUE}:
     * the request timeout while a request arrives (the first from the accept on), the keep-alive
     * timeout between requests, the end of a held long poll, the next heartbeat of an event
     * stream, the idle interval of a WebSocket.
     */
    public long deadline() {
        return switch (state) {
            case REQUEST -> requests.inProgress() || !answeredOne
                    ? requestStartedAt + config.headTimeout().toNanos()
                    : answeredAt + config.keepAliveTimeout().toNanos();
            case HELD -> held.deadlineNanos();
            case STREAM -> nextHeartbeat;
            case CHAT, ECHO -> (pinged ? pingedAt : lastInput) + config.idleInterval().toNanos();
            case CLOSING -> Long.MAX_VALUE;
        };
    }

    /**
     * {@link #deadline()} has passed. A request that did not arrive in time, or a persistent
     * connection that waited too long for its next one, is dropped without an answer (returns
     * true: the model closes the socket now). A held poll is answered with what there is (nothing);
     * an event stream gets its heartbeat; a silent WebSocket is pinged, and closed 1001 if it
     * stays silent for another interval.
     *
     * @return true when the model must close the socket at once
     */
    public boolean onDeadline(long now) {
        switch (state) {
            case REQUEST -> {
                if (requests.inProgress() || !answeredOne) context.counters().headTimeout();
                else context.counters().idleClose();
                state = State.CLOSING;
                return true;
            }
            case HELD -> answerHeldPoll();
            case STREAM -> {
                nextHeartbeat = now + config.sseHeartbeat().toNanos();
                send(ServerSentEvents.HEARTBEAT);
            }
            case CHAT, ECHO -> {
                if (!pinged) {
                    pinged = true;
                    pingedAt = now;
                    send(config.codec().serverFrame(Opcode.PING, "chatlab idle".getBytes(StandardCharsets.US_ASCII)));
                } else {
                    context.counters().idleClose();
                    closeWith(CloseCode.GOING_AWAY, "idle", CLOSE_GRACE);
                }
            }
            case CLOSING -> { }
        }
        return false;
    }

    /** Bytes the socket read (at most {@link #inputRoom()} of them). */
    public void onRead(ByteBuffer in) {
        long now = System.nanoTime();
        lastInput = now;
        pinged = false;
        try {
            while (state == State.REQUEST && in.hasRemaining()) {
                if (answeredOne && !requests.inProgress()) requestStartedAt = now;
                Request request = requests.feed(in);
                if (request == null) {
                    if (requests.takeContinue()) send(HttpResponses.CONTINUE);
                    break;
                }
                context.counters().httpRequest();
                handle(request, now);
            }
            if (state == State.CHAT || state == State.ECHO) {
                frames.decode(in, this);
            }
        } catch (HttpException e) {
            // The request's framing is broken: nothing after it can be read, so answer and close.
            context.counters().httpReject();
            RequestHead head = requests.head();
            boolean json = head != null && SessionEndpoints.serves(head.path());
            answer(Response.error(e, json), Response.Connection.CLOSE, now);
        } catch (WebSocketException e) {
            context.counters().protocolClose();
            closeWith(e.closeCode(), e.reason(), CLOSE_GRACE);
        }
        switch (state) {
            case HELD -> stash(in);
            case STREAM, CLOSING -> in.position(in.limit()); // nothing more is expected: read and dropped
            default -> { }
        }
    }

    /**
     * Answers the held long poll with the session's messages above its {@code after} (none, at the
     * deadline), then reads the requests that waited behind it. Called on the connection's thread
     * (the reader after its wait, the loop after {@link Transport#pollReady()}); does nothing when
     * no poll is held any more.
     */
    public void answerHeldPoll() {
        if (state != State.HELD) return;
        long now = System.nanoTime();
        HeldPoll poll = held;
        Request again = fetching;
        fetching = null;
        releaseHeldPoll(now);
        state = State.REQUEST;
        if (again != null) {
            refetched(again, poll.session(), now);
        } else {
            answer(SessionEndpoints.pollAnswer(poll.session(), poll.after(), config), heldConnection, now);
        }
        ByteBuffer waiting = pending;
        pending = null;
        if (waiting != null && state == State.REQUEST) {
            waiting.flip();
            onRead(waiting);
        }
    }

    /** The socket is closed for good: leave the rooms and the session, stop counting this connection. */
    public void onGone() {
        if (gone) return;
        gone = true;
        if (chat != null) chat.onDisconnect();
        long now = System.nanoTime();
        if (held != null) releaseHeldPoll(now);
        if (streamSession != null) {
            streamSession.unsubscribe(streamSubscriber);
            streamSession.release(now);
            streamSession = null;
            context.counters().sseStreamClosed();
        }
        if (frames != null) context.counters().connectionClosed();
        else context.counters().httpConnectionClosed();
        state = State.CLOSING;
    }

    /** The server is stopping: close with 1001 (a WebSocket) or just close. Any thread. */
    public void shutdown() {
        if (outbound.close(frames != null ? GOING_AWAY_CLOSE : NOTHING)) {
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
            byte[] frame = config.codec().serverFrame(opcode, payload);
            context.counters().messageOut(frame.length);
            send(frame);
        } else if (opcode == Opcode.TEXT) {
            chat.onText(payload);
        } else {
            context.counters().appError();
            deliver(context.json().error("bad_json", "chat messages are JSON text frames", null));
        }
    }

    @Override
    public void onPing(byte[] payload) {
        send(config.codec().serverFrame(Opcode.PONG, payload));
    }

    @Override
    public void onPong(byte[] payload) {
        // Any input, a pong included, already counted as activity in onRead.
    }

    @Override
    public void onClose(int code, String reason) {
        byte[] reply = code == CloseCode.NO_STATUS
                ? config.codec().serverFrame(Opcode.CLOSE, NOTHING)
                : config.codec().serverClose(code, "");
        state = State.CLOSING;
        if (outbound.close(reply)) {
            transport.closing(CLOSE_GRACE);
        }
    }

    // ---- routing ----

    /** One whole request: answered now, or held, or turned into a stream or a WebSocket. */
    private void handle(Request request, long now) {
        RequestHead head = request.head();
        String path = head.path();
        Response.Connection connection = !head.persistent() ? Response.Connection.CLOSE
                : head.isHttp10() ? Response.Connection.KEEP_ALIVE : Response.Connection.PERSISTENT;
        boolean upgrade = path.equals("/ws") || path.equals("/echo");
        try {
            switch (path) {
                case "/ws", "/echo" -> upgrade(head);
                case "/stats" -> {
                    requireGet(head);
                    answer(Response.json(200, context.stats(head.query()).toJson()), connection, now);
                }
                default -> {
                    StaticFiles.Answer file = StaticFiles.answer(head, config.webOverlay());
                    if (file != null) {
                        answer(file.response(), connection, now);
                        return;
                    }
                    if (!SessionEndpoints.serves(path)) throw new HttpException(404, "no such endpoint: " + abbreviate(path));
                    Outcome outcome = SessionEndpoints.handle(request, context.sessions(), config, context.counters(), lab, now);
                    switch (outcome) {
                        case Outcome.Answer answer -> answer(answer.response(), connection, now);
                        case Outcome.Hold hold -> hold(hold, connection);
                        case Outcome.Stream stream -> stream(stream, now);
                        case Outcome.Fetch fetch -> fetch(fetch, request, connection, now);
                    }
                }
            }
        } catch (HttpException e) {
            context.counters().httpReject();
            // A refused upgrade closes: its client may already have sent frames after the head.
            answer(Response.error(e, SessionEndpoints.serves(path)), upgrade ? Response.Connection.CLOSE : connection, now);
        }
    }

    private void upgrade(RequestHead head) throws HttpException {
        requireGet(head);
        if (head.path().equals("/ws") && !context.config().webSocketChat()) {
            throw new HttpException(404, "chat over WebSocket is turned off on this server; use the HTTP transports");
        }
        send(config.handshake().accept(head));
        requests = null;
        frames = config.codec().newDecoder(FrameDecoder.Role.SERVER, config.maxMessageBytes());
        context.counters().httpConnectionClosed();
        context.counters().connectionOpened();
        if (head.path().equals("/ws")) {
            chat = new ChatSession(context, this, lab);
            state = State.CHAT;
        } else {
            state = State.ECHO;
        }
    }

    private static void requireGet(RequestHead head) throws HttpException {
        if (!head.method().equals("GET")) throw HttpException.methodNotAllowed(head.method(), "GET");
    }

    /** Queues an answer; with {@code Connection: close} it is the connection's last. */
    private void answer(Response response, Response.Connection connection, long now) {
        send(response.toBytes(connection));
        answeredOne = true;
        answeredAt = now;
        if (connection == Response.Connection.CLOSE) {
            state = State.CLOSING;
            if (outbound.close(NOTHING)) transport.closing(CLOSE_GRACE);
        }
    }

    // ---- long polling ----

    private void hold(Outcome.Hold hold, Response.Connection connection) {
        held = new HeldPoll(hold.session(), hold.after(), hold.deadlineNanos());
        heldConnection = connection;
        state = State.HELD;
        context.counters().pollHeld();
        if (pollWake == null) pollWake = (number, message) -> transport.pollReady();
        if (!hold.session().subscribeIfNoneAfter(hold.after(), pollWake)) {
            answerHeldPoll(); // a message arrived since the request looked
        }
    }

    private void releaseHeldPoll(long now) {
        HeldPoll poll = held;
        held = null;
        poll.session().unsubscribe(pollWake);
        poll.session().release(now);
        if (poll.after() >= 0) context.counters().pollReleased(); // -1: a fetch, not a poll
    }

    // ---- a session the broker is fetching ----

    /** How long a request waits for the broker to fetch its session before it is answered 503. */
    static final long FETCH_WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(15);

    /**
     * Waits for the broker like a held poll (the same state, timer and wake-up, with {@code after}
     * -1), then handles the request again: the threaded models block on the replica, the evented
     * model is told by {@link Transport#pollReady()}.
     */
    private void fetch(Outcome.Fetch fetch, Request request, Response.Connection connection, long now) {
        fetching = request;
        held = new HeldPoll(fetch.session(), -1, now + FETCH_WAIT_NANOS);
        heldConnection = connection;
        state = State.HELD;
        if (!fetch.session().whenLoaded(transport::pollReady)) answerHeldPoll(); // loaded meanwhile
    }

    private void refetched(Request request, HttpSession replica, long now) {
        if (replica.isLoading()) {
            // The broker never answered (its own timeout is shorter): refuse rather than wait again.
            context.counters().httpReject();
            answer(Response.error(new HttpException(503, "the broker did not answer for this session; try again"), true),
                    heldConnection, now);
            return;
        }
        handle(request, now);
    }

    /** Keeps what arrived behind a held poll; the model never gives more than {@link #inputRoom()}. */
    private void stash(ByteBuffer in) {
        if (!in.hasRemaining()) return;
        if (pending == null) pending = ByteBuffer.allocate(PENDING_LIMIT);
        if (in.remaining() > pending.remaining()) {
            // Only a model that ignored inputRoom() gets here; never lose bytes silently.
            context.counters().ioError();
            in.position(in.limit());
            shutdown();
            return;
        }
        pending.put(in);
    }

    // ---- server-sent events ----

    private void stream(Outcome.Stream stream, long now) {
        streamSession = stream.session();
        state = State.STREAM;
        context.counters().sseStreamOpened();
        nextHeartbeat = now + config.sseHeartbeat().toNanos();
        send(ServerSentEvents.HEAD);
        streamSubscriber = this::onStreamEvent;
        if (!streamSession.subscribe(stream.after(), SessionEndpoints.answerLimitChars(config), streamSubscriber)) {
            // The replay reached its limit: end here; the client resumes from the last id it got.
            state = State.CLOSING;
            if (outbound.close(NOTHING)) transport.closing(CLOSE_GRACE);
        }
    }

    /** On the delivering thread (any), with the session locked: only queues bytes. */
    private void onStreamEvent(long number, Outbound message) {
        if (outbound.isClosing()) return;
        send(ServerSentEvents.event(number, message.json()));
    }

    // ---- output ----

    private void closeWith(int code, String reason, Duration grace) {
        if (outbound.close(config.codec().serverClose(code, reason))) {
            transport.closing(grace);
        }
        state = State.CLOSING;
    }

    private void send(byte[] bytes) {
        // A WebSocket that does not read gets a 1008 close frame; plain HTTP has no way to say it.
        byte[] overflowTail = frames != null ? SLOW_CONSUMER_CLOSE : NOTHING;
        switch (outbound.offer(bytes, config.outboundBoundBytes(), overflowTail)) {
            case QUEUED_FIRST -> transport.outboundReady();
            case OVERFLOWED -> {
                context.counters().slowConsumerClose();
                transport.outboundReady();
                transport.closing(SLOW_CONSUMER_GRACE);
            }
            case QUEUED, DROPPED -> { }
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
