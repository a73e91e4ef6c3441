package chatlab.protocol.server;

import chatlab.protocol.chat.Rooms;
import chatlab.protocol.http.OpeningHandshake;
import chatlab.protocol.http.Rfc6455Handshake;
import chatlab.protocol.ws.FrameCodec;
import chatlab.protocol.ws.Rfc6455Codec;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The settings every model and peer applies, with PROTOCOL.md's defaults. Immutable: each
 * {@code withX} returns a changed copy, so a test writes {@code ServerConfig.defaults().withLab(true)}
 * and two servers never share a mutable setting.
 *
 * <p>A new setting is one field with its default, one {@code withX} that checks the value, and one
 * accessor; nothing else changes.
 */
public final class ServerConfig implements Cloneable {

    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
    public static final int DEFAULT_OUTBOUND_BOUND_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_IDLE_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HEAD_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_SESSION_EXPIRY = Duration.ofSeconds(60);
    public static final Duration DEFAULT_SSE_HEARTBEAT = Duration.ofSeconds(15);
    public static final int DEFAULT_MAX_HTTP_SESSIONS = 20_000;
    /** More selector loops than this would each hold a few connections of a very large machine. */
    public static final int MAX_LOOPS = 256;

    /** Largest data message accepted (reassembled), else close 1009. */
    private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    /** Bytes a connection may have waiting in the server's own queue before it is closed 1008. */
    private int outboundBoundBytes = DEFAULT_OUTBOUND_BOUND_BYTES;
    /** Silence after which the server pings, and again after which it closes 1001. */
    private Duration idleInterval = DEFAULT_IDLE_INTERVAL;
    /** Time a client has to finish an HTTP request (its head, and its body if any). */
    private Duration headTimeout = DEFAULT_HEAD_TIMEOUT;
    /** Time a persistent HTTP connection may wait for its next request before it is closed. */
    private Duration keepAliveTimeout = DEFAULT_KEEP_ALIVE_TIMEOUT;
    /** Time after which an HTTP session that nothing used (no request, no held poll, no stream) ends. */
    private Duration sessionExpiry = DEFAULT_SESSION_EXPIRY;
    /** Interval of the comment line on an event stream. */
    private Duration sseHeartbeat = DEFAULT_SSE_HEARTBEAT;
    /** HTTP sessions a server keeps at most; past it, POST /session is 503. */
    private int maxHttpSessions = DEFAULT_MAX_HTTP_SESSIONS;
    /** Whether the lab messages ({@code compute}, {@code sleep}) are served. */
    private boolean lab;
    /** Evented model only: threads that run lab work off the loop (0 = on the loop). */
    private int workers;
    /** Evented model only: selector loops, connections dealt out over them (1 = the single loop). */
    private int loops = 1;
    /** Deliberate misbehaviour, only for testing the benchmark harness. */
    private Faults faults = Faults.NONE;
    /** Core models only: the opening handshake every connection runs (the exercise track swaps in a student's). */
    private OpeningHandshake handshake = new Rfc6455Handshake();
    /** Core models only: the frame decoder and encoder every connection uses (the exercise track swaps in a student's). */
    private FrameCodec codec = new Rfc6455Codec();
    /** Where the JSON parser and writer keep their scratch buffers between messages. */
    private JsonRecycler jsonRecycler = JsonRecycler.SHARED;
    /** Whether {@code /ws} is served; off, it is answered 404, so that clients fall back to the HTTP transports. */
    private boolean webSocketChat = true;
    /** Core models only: a directory whose files are served in place of the page's own (a student's transport); null = none. */
    private Path webOverlay;
    /** The broker shared with other servers ({@code redis://HOST:PORT}); null = this server is alone. */
    private String broker;
    /** Core models only: makes each server's rooms in place of chatlab's hub (the exercise track's); null = chatlab's own. */
    private Supplier<? extends Rooms> rooms;

    private ServerConfig() {}

    public static ServerConfig defaults() {
        return new ServerConfig();
    }

    public int maxMessageBytes() { return maxMessageBytes; }
    public int outboundBoundBytes() { return outboundBoundBytes; }
    public Duration idleInterval() { return idleInterval; }
    public Duration headTimeout() { return headTimeout; }
    public Duration keepAliveTimeout() { return keepAliveTimeout; }
    public Duration sessionExpiry() { return sessionExpiry; }
    public Duration sseHeartbeat() { return sseHeartbeat; }
    public int maxHttpSessions() { return maxHttpSessions; }
    public boolean lab() { return lab; }
    public int workers() { return workers; }
    public int loops() { return loops; }
    public Faults faults() { return faults; }
    public OpeningHandshake handshake() { return handshake; }
    public FrameCodec codec() { return codec; }
    public JsonRecycler jsonRecycler() { return jsonRecycler; }
    public boolean webSocketChat() { return webSocketChat; }
    public Path webOverlay() { return webOverlay; }
    public String broker() { return broker; }
    public Supplier<? extends Rooms> rooms() { return rooms; }

    public ServerConfig withMaxMessageBytes(int v) {
        require(v >= 125, "maxMessageBytes must be at least 125");
        ServerConfig c = copy();
        c.maxMessageBytes = v;
        return c;
    }

    public ServerConfig withOutboundBoundBytes(int v) {
        require(v >= 1024, "outboundBoundBytes must be at least 1024");
        ServerConfig c = copy();
        c.outboundBoundBytes = v;
        return c;
    }

    public ServerConfig withIdleInterval(Duration v) {
        require(v.isPositive(), "idleInterval must be positive");
        ServerConfig c = copy();
        c.idleInterval = v;
        return c;
    }

    public ServerConfig withHeadTimeout(Duration v) {
        require(v.isPositive(), "headTimeout must be positive");
        ServerConfig c = copy();
        c.headTimeout = v;
        return c;
    }

    public ServerConfig withKeepAliveTimeout(Duration v) {
        require(v.isPositive(), "keepAliveTimeout must be positive");
        ServerConfig c = copy();
        c.keepAliveTimeout = v;
        return c;
    }

    public ServerConfig withSessionExpiry(Duration v) {
        require(v.isPositive(), "sessionExpiry must be positive");
        ServerConfig c = copy();
        c.sessionExpiry = v;
        return c;
    }

    public ServerConfig withSseHeartbeat(Duration v) {
        require(v.isPositive(), "sseHeartbeat must be positive");
        ServerConfig c = copy();
        c.sseHeartbeat = v;
        return c;
    }

    public ServerConfig withMaxHttpSessions(int v) {
        require(v >= 1, "maxHttpSessions must be at least 1");
        ServerConfig c = copy();
        c.maxHttpSessions = v;
        return c;
    }

    /** The shortest of the timers a connection runs, for a model that checks timers on a tick. */
    public Duration shortestTimer() {
        Duration shortest = idleInterval;
        for (Duration d : new Duration[] {headTimeout, keepAliveTimeout, sessionExpiry, sseHeartbeat}) {
            if (d.compareTo(shortest) < 0) shortest = d;
        }
        return shortest;
    }

    public ServerConfig withLab(boolean v) {
        ServerConfig c = copy();
        c.lab = v;
        return c;
    }

    public ServerConfig withWorkers(int v) {
        require(v >= 0, "workers must not be negative");
        ServerConfig c = copy();
        c.workers = v;
        return c;
    }

    public ServerConfig withLoops(int v) {
        require(v >= 1 && v <= MAX_LOOPS, "loops must be between 1 and " + MAX_LOOPS);
        ServerConfig c = copy();
        c.loops = v;
        return c;
    }

    public ServerConfig withFaults(Faults v) {
        ServerConfig c = copy();
        c.faults = v == null ? Faults.NONE : v;
        return c;
    }

    public ServerConfig withHandshake(OpeningHandshake v) {
        require(v != null, "handshake must not be null");
        ServerConfig c = copy();
        c.handshake = v;
        return c;
    }

    public ServerConfig withCodec(FrameCodec v) {
        require(v != null, "codec must not be null");
        ServerConfig c = copy();
        c.codec = v;
        return c;
    }

    public ServerConfig withJsonRecycler(JsonRecycler v) {
        ServerConfig c = copy();
        c.jsonRecycler = v == null ? JsonRecycler.SHARED : v;
        return c;
    }

    public ServerConfig withWebSocketChat(boolean v) {
        ServerConfig c = copy();
        c.webSocketChat = v;
        return c;
    }

    /**
     * Serves the page's files from {@code dir} where it has them ({@code dir/index.html},
     * {@code dir/static/...}), the class path's otherwise; null for none. The exercise track
     * serves a student's WebSocket transport this way.
     */
    public ServerConfig withWebOverlay(Path v) {
        require(v == null || java.nio.file.Files.isDirectory(v), "the web overlay must be a directory: " + v);
        ServerConfig c = copy();
        c.webOverlay = v;
        return c;
    }

    /**
     * Shares the rooms with every server started with the same broker URL, for example
     * {@code redis://127.0.0.1:6379}; null keeps the server alone. The broker module may read
     * tuning parameters from the URL's query (see its documentation).
     */
    public ServerConfig withBroker(String v) {
        if (v != null) {
            URI uri;
            try {
                uri = new URI(v);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("broker must be a URL like redis://HOST:PORT: " + e.getMessage());
            }
            require(uri.getScheme() != null && uri.getHost() != null, "broker must be a URL like redis://HOST:PORT, not '" + v + "'");
        }
        ServerConfig c = copy();
        c.broker = v;
        return c;
    }

    /**
     * Makes each server's {@link Rooms} with {@code v} instead of chatlab's in-process hub (the
     * exercise track runs a student's hub this way); null for chatlab's own. Rooms that come from
     * here live in this process, so they do not go with a broker.
     */
    public ServerConfig withRooms(Supplier<? extends Rooms> v) {
        ServerConfig c = copy();
        c.rooms = v;
        return c;
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    private ServerConfig copy() {
        try {
            return (ServerConfig) clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError("ServerConfig is Cloneable", e);
        }
    }

    /**
     * Misbehaviour on purpose, so the harness's own tests can check that it notices:
     * a delay before each chat message is handled, and a room message that is never delivered.
     *
     * @param delayMillis     sleep this long before handling each chat message (0 = none)
     * @param dropEveryNth    skip delivering every n-th room message to its recipients (0 = never)
     */
    public record Faults(int delayMillis, int dropEveryNth) {
        public static final Faults NONE = new Faults(0, 0);

        public boolean any() { return delayMillis > 0 || dropEveryNth > 0; }
    }

    /**
     * Where Jackson keeps the scratch buffers (about 16 KiB of {@code char[]} and {@code byte[]})
     * it needs to parse or write one JSON message.
     *
     * <p>{@link #THREAD_LOCAL} is Jackson's default: a cache per thread. Under thread per
     * connection each connection's thread fills its own, so the cache becomes per-connection
     * memory (with virtual threads, one per connection, for as long as the connection lives).
     * {@link #SHARED} is one small pool per server: a thread borrows a set of buffers for one
     * message and gives it back, so the buffers scale with the threads parsing at the same
     * moment, not with the connections.
     */
    public enum JsonRecycler {
        THREAD_LOCAL("thread-local"),
        SHARED("shared");

        private final String id;

        JsonRecycler(String id) {
            this.id = id;
        }

        /** The name on the command line. */
        public String id() { return id; }

        /** Accepts {@code thread-local} as well as {@code THREAD_LOCAL}. */
        public static JsonRecycler of(String id) {
            for (JsonRecycler r : values()) {
                if (r.id.equalsIgnoreCase(id) || r.name().equalsIgnoreCase(id)) return r;
            }
            throw new IllegalArgumentException("unknown JSON recycler '" + id + "' (thread-local or shared)");
        }

        @Override
        public String toString() { return id; }
    }
}
