package chatlab.protocol.session;

import chatlab.protocol.chat.ChatJson;
import chatlab.protocol.chat.Rooms;
import chatlab.protocol.chat.LabRunner;
import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.ServerCounters;
import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP sessions of one server, by id, and their expiry: a session unused for the configured
 * time (60 s by default; a held poll or an open stream is use) ends, leaving its rooms. Sans-I/O:
 * the model calls {@link #expireDue} from its timer (the threaded models' scheduler thread, the
 * evented loop's tick); a request for an expired session finds nothing even before that.
 *
 * <p>Thread-safe: a concurrent map of sessions, each of which guards itself. The number of
 * sessions is bounded ({@link ServerConfig#maxHttpSessions()}): past it {@code POST /session} is
 * refused rather than letting a client loop fill the heap.
 *
 * <p>With a {@link SessionBroker}, the sessions made here are announced to the other servers, and
 * a session made elsewhere is found as a replica, kept while it is used here (the same expiry
 * clock) and then dropped: the session itself lives on at its home. Replicas are bounded too.
 */
public final class SessionTable {

    private static final Base64.Encoder IDS = Base64.getUrlEncoder().withoutPadding();

    private final Map<String, HttpSession> sessions = new ConcurrentHashMap<>();
    /** Sessions made on other servers and used here (with a broker only). */
    private final Map<String, HttpSession> replicas = new ConcurrentHashMap<>();
    /** Null without a broker. */
    private final SessionBroker broker;
    private final Rooms hub;
    private final ServerConfig config;
    private final ServerCounters counters;
    /** Session ids are the only credential a session has: unguessable, 128 random bits. */
    private final SecureRandom random = new SecureRandom();
    private final long expiryNanos;
    private final long sweepNanos;
    private final AtomicLong nextSweep;
    private volatile boolean closed;

    public SessionTable(Rooms hub, ServerConfig config, ServerCounters counters) {
        this(hub, config, counters, null);
    }

    /** @param broker shares the sessions with other servers; null keeps them here */
    public SessionTable(Rooms hub, ServerConfig config, ServerCounters counters, SessionBroker broker) {
        this.broker = broker;
        this.hub = hub;
        this.config = config;
        this.counters = counters;
        this.expiryNanos = config.sessionExpiry().toNanos();
        this.sweepNanos = sweepInterval(config).toNanos();
        this.nextSweep = new AtomicLong(System.nanoTime() + sweepNanos);
        if (broker != null) broker.attach(this);
    }

    /** The server's JSON mapper, for the bodies of {@code /send}. */
    public ChatJson json() { return hub.json(); }

    /** How often {@link #expireDue} looks at every session: a tenth of the expiry, within 10 ms and 1 s. */
    public static java.time.Duration sweepInterval(ServerConfig config) {
        long millis = Math.clamp(config.sessionExpiry().toMillis() / 10, 10, 1000);
        return java.time.Duration.ofMillis(millis);
    }

    /**
     * A new session, or null when the table is full (or the server is stopping).
     *
     * @param lab where this session's lab messages run (the model's choice)
     */
    public HttpSession create(LabRunner lab, long nowNanos) {
        if (closed || sessions.size() >= config.maxHttpSessions()) return null;
        byte[] bits = new byte[16];
        random.nextBytes(bits);
        HttpSession session = new HttpSession(IDS.encodeToString(bits), hub, config, lab, counters::appError, nowNanos);
        sessions.put(session.id(), session);
        counters.httpSessionOpened();
        if (broker != null) broker.created(session);
        return session;
    }

    /**
     * The live session with this id, marked as used now; null when unknown, ended or expired.
     * With a broker, a session made elsewhere is a replica, possibly still loading.
     */
    public HttpSession find(String id, long nowNanos) {
        HttpSession session = sessions.get(id);
        if (session == null) return broker == null ? null : replica(id, nowNanos);
        if (session.isExpired(nowNanos, expiryNanos)) {
            expire(session, nowNanos);
            return null;
        }
        if (session.isEnded()) return null;
        session.touch(nowNanos);
        return session;
    }

    /** Ends the sessions unused for the expiry time, if a sweep is due (cheap otherwise). */
    public void expireDue(long nowNanos) {
        long due = nextSweep.get();
        if (nowNanos - due < 0 || !nextSweep.compareAndSet(due, nowNanos + sweepNanos)) return;
        for (HttpSession session : sessions.values()) {
            if (session.isExpired(nowNanos, expiryNanos)) expire(session, nowNanos);
        }
        for (HttpSession replica : replicas.values()) {
            if (replica.isExpired(nowNanos, expiryNanos)) {
                drop(replica);
            } else if (replica.isRetained()) {
                broker.touch(replica); // a poll held or a stream open here is use, for the home too
            }
        }
    }

    /** Input for a session made here, sent to one of its replicas on another server. */
    public void forwarded(String id, List<JsonNode> messages) {
        HttpSession session = sessions.get(id);
        if (session != null) session.accept(messages);
    }

    /** A replica of a session made here was used on another server. */
    public void touched(String id) {
        HttpSession session = sessions.get(id);
        if (session != null) session.touch(System.nanoTime());
    }

    /** The server is stopping: every session leaves its rooms and its waiting threads wake up. */
    public void close() {
        closed = true;
        for (Iterator<HttpSession> it = sessions.values().iterator(); it.hasNext(); ) {
            HttpSession session = it.next();
            it.remove();
            if (session.end(0, -1)) {
                counters.httpSessionEnded(false);
                if (broker != null) broker.ended(session);
            }
        }
        for (HttpSession replica : replicas.values()) drop(replica);
    }

    public int size() {
        return sessions.size();
    }

    /** Milliseconds until an unused session expires. */
    public long expiryMillis() {
        return TimeUnit.NANOSECONDS.toMillis(expiryNanos);
    }

    private void expire(HttpSession session, long nowNanos) {
        if (session.end(nowNanos, expiryNanos)) {
            sessions.remove(session.id(), session);
            counters.httpSessionEnded(true);
            if (broker != null) broker.ended(session);
        }
    }

    /**
     * The replica of a session made elsewhere: the one kept here, or a new one the broker loads.
     * A replica that ended, or whose session the broker does not know, is dropped (404); one the
     * broker did not answer for is answered once (503) and dropped, so the next request asks again.
     */
    private HttpSession replica(String id, long nowNanos) {
        if (closed) return null;
        HttpSession replica = replicas.get(id);
        if (replica != null && (replica.isEnded() || replica.isMissing() || replica.isUnreachable())) {
            drop(replica);
            return replica.isUnreachable() ? replica : null;
        }
        if (replica == null) {
            if (replicas.size() >= config.maxHttpSessions()) return null;
            HttpSession made = HttpSession.replica(id, broker, nowNanos);
            replica = replicas.putIfAbsent(id, made);
            if (replica == null) {
                replica = made;
                broker.load(replica);
                return replica; // loading: the load itself tells the home of the use
            }
        }
        replica.touch(nowNanos);
        broker.touch(replica);
        return replica;
    }

    private void drop(HttpSession replica) {
        if (replicas.remove(replica.id(), replica)) {
            replica.endReplica();
            broker.dropped(replica);
        }
    }
}
