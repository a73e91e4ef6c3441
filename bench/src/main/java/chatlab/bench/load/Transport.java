package chatlab.bench.load;

import java.util.Locale;

/**
 * How a generator's clients reach the server: a WebSocket ({@code /echo}, or the chat on
 * {@code /ws}) or one of PROTOCOL.md's HTTP transports, each used the way a browser's page uses it.
 */
public enum Transport {
    /** A WebSocket on {@code /echo}: every message comes back. */
    ECHO("echo", 1),
    /** A WebSocket on {@code /ws}: join, say, receive the room's messages as frames. */
    WEBSOCKET("websocket", 1),
    /** {@code GET /poll?wait=0} every interval on one persistent connection that also carries {@code POST /send}. */
    SHORT_POLL("short-poll", 1),
    /** A held {@code GET /poll?wait=30} on a connection of its own, asked again as soon as it is answered. */
    LONG_POLL("long-poll", 2),
    /** {@code GET /events} (server-sent events) on a connection of its own, resumed with {@code Last-Event-ID}. */
    SSE("sse", 2);

    private final String id;
    private final int socketsPerClient;

    Transport(String id, int socketsPerClient) {
        this.id = id;
        this.socketsPerClient = socketsPerClient;
    }

    /** Its name in files and on the command line: {@code short-poll}. */
    public String id() { return id; }

    /**
     * Connections one client holds: a poll or stream connection beside the one for requests. The
     * server's file limit and the generators' ports are shared out by it.
     */
    public int socketsPerClient() { return socketsPerClient; }

    /** Whether clients join a room (all but {@link #ECHO}). */
    public boolean chat() { return this != ECHO; }

    /** Whether it is one of the plain-HTTP transports. */
    public boolean http() { return this == SHORT_POLL || this == LONG_POLL || this == SSE; }

    /** The transport called {@code id}, or null. */
    public static Transport of(String id) {
        for (Transport t : values()) if (t.id.equals(id.toLowerCase(Locale.ROOT))) return t;
        return null;
    }
}
