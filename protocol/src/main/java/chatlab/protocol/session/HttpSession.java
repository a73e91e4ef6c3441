package chatlab.protocol.session;

import chatlab.protocol.chat.Rooms;
import chatlab.protocol.chat.ChatMember;
import chatlab.protocol.chat.ChatSession;
import chatlab.protocol.chat.LabRunner;
import chatlab.protocol.chat.Outbound;
import chatlab.protocol.server.ServerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A chat member reached over plain HTTP ({@code /send}, {@code /poll}, {@code /events}) instead
 * of a WebSocket. It joins and speaks through its own {@link ChatSession}, like a connection; what
 * the rooms send it is numbered 1, 2, 3, ... and the last {@value #KEPT} messages are kept until a
 * poll or a stream takes them. The kept messages are the session's only outbound buffer: a client
 * that never comes back costs at most these, until the session expires.
 *
 * <p>Threads: input ({@link #accept}) is serialized by its own lock, because requests for one
 * session may arrive on several connections at once. {@link #deliver} comes from whatever thread
 * says something in a room, with that room's lock held; it only appends, wakes whoever waits on
 * {@link #awaitMessagesAfter} (the threaded models' held polls) and hands the message to the
 * subscribers (open event streams, and the evented model's held polls), none of which may block.
 * Lock order: input, then a room, then this session's messages, then a connection's queue.
 *
 * <p>With a broker ({@link SessionBroker}), a server asked about a session another server made
 * keeps a <em>replica</em> of it ({@link #replica}): no chat of its own, the same numbered
 * messages fed by the broker ({@link #loaded}, {@link #arrived}), and its input forwarded to the
 * session's home. Polls and streams read a replica exactly as they read a home session. Until the
 * broker answered its first fetch a replica is <em>loading</em>: a request for it waits
 * ({@link #whenLoaded}, or {@link #awaitMessagesAfter} with {@code after} -1).
 */
public final class HttpSession implements ChatMember {

    /** PROTOCOL.md: each session keeps its last 1000 messages. */
    public static final int KEPT = 1000;

    /** Told of each message as it arrives, on the delivering thread, with the session locked: must not block. */
    public interface Subscriber {
        void onMessage(long number, Outbound message);
    }

    /**
     * Messages numbered above some {@code after}.
     *
     * @param last the number of the last message included ({@code after} itself when there are none)
     * @param gap  messages above {@code after} were already dropped from the kept ones
     */
    public record Batch(long last, List<Outbound> messages, boolean gap) {}

    private final String id;
    private final ReentrantLock inputLock = new ReentrantLock();
    /** Guarded by {@link #inputLock}; null for a replica, whose chat runs at its home. */
    private final ChatSession chat;
    /** Where a replica's input goes; null for a session made here. */
    private final SessionBroker broker;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    /** Oldest first; the newest is numbered {@link #last}. Guarded by {@link #lock}. */
    private final ArrayDeque<Outbound> kept = new ArrayDeque<>();
    private long last;
    private final List<Subscriber> subscribers = new ArrayList<>(1);
    /** Held polls and open streams right now: while any, the session is in use and cannot expire. */
    private int users;
    private long lastUsedNanos;
    private boolean ended;

    // ---- a replica's state, guarded by lock ----
    /** Until the broker answered the first fetch. */
    private boolean loading;
    /** The broker does not know the session (404), or did not answer (503). */
    private boolean missing;
    private boolean unreachable;
    /** The server that made the session, as the broker names it. */
    private String home;
    /** Messages that came while loading, by number, applied once loaded. */
    private final java.util.TreeMap<Long, Outbound> early = new java.util.TreeMap<>();
    private final List<Runnable> loadWaiters = new ArrayList<>(0);

    HttpSession(String id, Rooms hub, ServerConfig config, LabRunner lab, Runnable onAppError, long nowNanos) {
        this.id = id;
        this.chat = new ChatSession(hub, this, config, lab, onAppError);
        this.broker = null;
        this.lastUsedNanos = nowNanos;
    }

    private HttpSession(String id, SessionBroker broker, long nowNanos) {
        this.id = id;
        this.chat = null;
        this.broker = broker;
        this.loading = true;
        this.lastUsedNanos = nowNanos;
    }

    /** A replica of the session {@code id}, made on another server, loading until the broker answers. */
    static HttpSession replica(String id, SessionBroker broker, long nowNanos) {
        return new HttpSession(id, broker, nowNanos);
    }

    public String id() { return id; }

    /** Whether this is a replica of a session made on another server. */
    public boolean isReplica() { return broker != null; }

    // ---- input ----

    /**
     * Handles chat messages from one {@code /send}, in order, as a WebSocket connection handles
     * its text frames: application errors become {@code error} messages of this session.
     *
     * @return false when the session ended meanwhile (nothing was handled)
     */
    public boolean accept(List<JsonNode> messages) {
        inputLock.lock();
        try {
            if (isEnded()) return false;
            if (broker != null) {
                broker.forward(this, messages); // the home handles them, in the order they reach it
                return true;
            }
            for (JsonNode message : messages) chat.onMessage(message);
            return true;
        } finally {
            inputLock.unlock();
        }
    }

    // ---- output ----

    @Override
    public void deliver(Outbound message) {
        lock.lock();
        try {
            if (ended) return;
            append(message);
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: numbers, keeps, wakes and tells the subscribers. */
    private void append(Outbound message) {
        long number = ++last;
        kept.addLast(message);
        if (kept.size() > KEPT) kept.removeFirst();
        arrived.signalAll();
        for (Subscriber subscriber : subscribers) subscriber.onMessage(number, message);
    }

    // ---- a replica, fed by the broker (on the thread the server gave the broker) ----

    /**
     * The broker's answer to a replica's fetch: its home, the session's last number and its kept
     * messages, oldest first; then what arrived meanwhile. Wakes the requests that waited.
     *
     * @return false when what arrived meanwhile does not follow on: the broker must fetch from {@link #lastNumber()}
     */
    public boolean loaded(String homeServer, long lastNumber, List<Outbound> messages) {
        List<Runnable> waiting;
        boolean inOrder = true;
        lock.lock();
        try {
            if (!loading) return true;
            home = homeServer;
            last = lastNumber - messages.size();
            for (Outbound message : messages) append(message);
            for (java.util.Map.Entry<Long, Outbound> entry : early.entrySet()) {
                if (entry.getKey() <= last) continue;
                if (entry.getKey() != last + 1) {
                    inOrder = false;
                    break;
                }
                append(entry.getValue());
            }
            early.clear();
            waiting = loadingDone();
        } finally {
            lock.unlock();
        }
        waiting.forEach(Runnable::run);
        return inOrder;
    }

    /** Under the lock: the replica is no longer loading; wakes the blocked threads, returns the waiters to run (unlocked). */
    private List<Runnable> loadingDone() {
        loading = false;
        arrived.signalAll();
        List<Runnable> waiting = new ArrayList<>(loadWaiters);
        loadWaiters.clear();
        return waiting;
    }

    /** The broker could not fetch the replica: it does not know the session ({@code missing}), or it did not answer. */
    public void loadFailed(boolean missingSession) {
        List<Runnable> waiting;
        lock.lock();
        try {
            if (!loading) return;
            missing = missingSession;
            unreachable = !missingSession;
            waiting = loadingDone();
        } finally {
            lock.unlock();
        }
        waiting.forEach(Runnable::run);
    }

    /**
     * A message of the session, numbered by its home, for a replica.
     *
     * @return false when it does not follow on from {@link #lastNumber()} (a message was missed): the
     *     broker fetches from there, or, with {@code force}, it is taken anyway after a hole the home no
     *     longer keeps either
     */
    public boolean arrived(long number, Outbound message, boolean force) {
        lock.lock();
        try {
            if (ended) return true;
            if (loading) {
                early.put(number, message);
                if (early.size() > KEPT) early.pollFirstEntry();
                return true;
            }
            if (number <= last) return true;
            if (number != last + 1) {
                if (!force) return false;
                kept.clear();
                last = number - 1; // what came before is gone: a poll from below sees the gap
            }
            append(message);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The home ended the session (or the broker lost it): the replica ends, its waiting threads wake up. */
    public void endReplica() {
        lock.lock();
        try {
            ended = true;
            kept.clear();
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code wake} (on the broker's thread) once a replica is loaded or failed to load.
     *
     * @return false when there is nothing to wait for (not loading): nothing registered
     */
    public boolean whenLoaded(Runnable wake) {
        lock.lock();
        try {
            if (!loading) return false;
            loadWaiters.add(wake);
            return true;
        } finally {
            lock.unlock();
        }
    }

    public boolean isLoading() { return locked(() -> loading); }

    /** The broker does not know this replica's session. */
    public boolean isMissing() { return locked(() -> missing); }

    /** The broker did not answer this replica's fetch. */
    public boolean isUnreachable() { return locked(() -> unreachable); }

    /** The replica's home server, once loaded. */
    public String home() { return locked(() -> home); }

    private <T> T locked(java.util.function.Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    /** The number of the newest message (0 before the first). */
    public long lastNumber() {
        lock.lock();
        try {
            return last;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The kept messages numbered above {@code after}, oldest first, as many as fit in
     * {@code maxChars} characters of JSON (at least one, so that a client always makes progress).
     */
    public Batch messagesAfter(long after, int maxChars) {
        lock.lock();
        try {
            long oldest = last - kept.size() + 1;
            boolean gap = after + 1 < oldest && after < last;
            List<Outbound> out = new ArrayList<>();
            long number = oldest - 1;
            long included = after;
            int chars = 0;
            for (Outbound message : kept) {
                number++;
                if (number <= after) continue;
                int size = message.json().length();
                if (!out.isEmpty() && chars + size > maxChars) break;
                out.add(message);
                chars += size;
                included = number;
            }
            return new Batch(included, out, gap);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks the calling thread until a message numbered above {@code after} is here, the
     * deadline passes, or the session ends: the thread-per-connection way to hold a long poll. A
     * loading replica waits for its load first, so {@code after} -1 waits for that alone.
     */
    public void awaitMessagesAfter(long after, long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            while ((loading || last <= after) && !ended) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) return;
                arrived.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Subscribes to the messages after {@code after} if there are none yet: the evented way to
     * hold a long poll (the subscriber schedules the answer).
     *
     * @return false when such messages are already here (answer at once, nothing subscribed)
     */
    public boolean subscribeIfNoneAfter(long after, Subscriber subscriber) {
        lock.lock();
        try {
            if (last > after || ended) return false;
            subscribers.add(subscriber);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands the subscriber the kept messages above {@code after}, then every new one as it arrives
     * (an event stream), with nothing lost or repeated in between. A replay longer than
     * {@code maxReplayChars} characters of JSON stops there instead, unsubscribed: the stream sends
     * what fit and ends, and its client resumes from the last number it got.
     *
     * @return true when subscribed; false when the replay stopped at the limit
     */
    public boolean subscribe(long after, int maxReplayChars, Subscriber subscriber) {
        lock.lock();
        try {
            long number = last - kept.size();
            int chars = 0;
            boolean sentOne = false;
            for (Outbound message : kept) {
                number++;
                if (number <= after) continue;
                chars += message.json().length();
                if (chars > maxReplayChars && sentOne) return false;
                subscriber.onMessage(number, message);
                sentOne = true;
            }
            if (!ended) subscribers.add(subscriber);
            return true;
        } finally {
            lock.unlock();
        }
    }

    public void unsubscribe(Subscriber subscriber) {
        lock.lock();
        try {
            for (Iterator<Subscriber> it = subscribers.iterator(); it.hasNext(); ) {
                if (it.next() == subscriber) {
                    it.remove();
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- use and expiry ----

    /** A request used the session now. */
    void touch(long nowNanos) {
        lock.lock();
        try {
            lastUsedNanos = Math.max(lastUsedNanos, nowNanos);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A poll is held or a stream opened on this session: it is in use until {@link #release}.
     *
     * @return false when the session already ended
     */
    public boolean retain() {
        lock.lock();
        try {
            if (ended) return false;
            users++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** A held poll was answered or a stream closed: unused from now on, the expiry clock restarts. */
    public void release(long nowNanos) {
        lock.lock();
        try {
            users--;
            lastUsedNanos = Math.max(lastUsedNanos, nowNanos);
        } finally {
            lock.unlock();
        }
    }

    /** A poll is held or a stream open on this session right now. */
    boolean isRetained() {
        return locked(() -> users > 0);
    }

    public boolean isEnded() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    boolean isExpired(long nowNanos, long expiryNanos) {
        lock.lock();
        try {
            return !ended && users == 0 && nowNanos - lastUsedNanos >= expiryNanos;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the session if it is still unused at {@code nowNanos} (or whatever its use, when
     * {@code expiryNanos} is negative): it leaves its rooms, where the others see it go, and its
     * waiting threads wake up.
     *
     * @return true when this call ended it
     */
    boolean end(long nowNanos, long expiryNanos) {
        inputLock.lock();
        try {
            lock.lock();
            try {
                if (ended) return false;
                if (expiryNanos >= 0 && !isExpired(nowNanos, expiryNanos)) return false;
                ended = true;
                kept.clear();
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
            if (chat != null) chat.onDisconnect();
            return true;
        } finally {
            inputLock.unlock();
        }
    }

}
