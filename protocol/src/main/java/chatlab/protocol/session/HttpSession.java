package chatlab.protocol.session;

import chatlab.protocol.chat.ChatHub;
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
    /** Guarded by {@link #inputLock}. */
    private final ChatSession chat;

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

    HttpSession(String id, ChatHub hub, ServerConfig config, LabRunner lab, Runnable onAppError, long nowNanos) {
        this.id = id;
        this.chat = new ChatSession(hub, this, config, lab, onAppError);
        this.lastUsedNanos = nowNanos;
    }

    public String id() { return id; }

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
            long number = ++last;
            kept.addLast(message);
            if (kept.size() > KEPT) kept.removeFirst();
            arrived.signalAll();
            for (Subscriber subscriber : subscribers) subscriber.onMessage(number, message);
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
     * deadline passes, or the session ends: the thread-per-connection way to hold a long poll.
     */
    public void awaitMessagesAfter(long after, long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            while (last <= after && !ended) {
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
            chat.onDisconnect();
            return true;
        } finally {
            inputLock.unlock();
        }
    }

}
