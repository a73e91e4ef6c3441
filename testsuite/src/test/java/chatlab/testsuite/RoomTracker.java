package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Checks a stream of chat messages as it arrives instead of keeping it (for the tests that move
 * millions of them): the room's {@code seq} must go 1, 2, 3, ... without gap or duplicate, and each
 * sender's ids ({@code sender-n}) must come in the sender's order. The client library calls it
 * from its own thread; the test thread reads the outcome after {@link #awaitAll}.
 */
final class RoomTracker implements Consumer<String> {

    private final String name;
    private final String room;
    private final long expected;
    private final CountDownLatch joined = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private final Map<String, Integer> nextPerSender = new HashMap<>();
    private final Map<String, Semaphore> windows = new ConcurrentHashMap<>();
    private volatile long nextSeq = 1;
    private volatile String problem;
    private final BitSet seen = new BitSet();
    private int distinct;
    private int duplicates;
    private int backwards;

    RoomTracker(String name, String room, long expected) {
        this.name = name;
        this.room = room;
        this.expected = expected;
    }

    @Override
    public synchronized void accept(String text) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(text);
        } catch (Exception e) {
            fault("not JSON: " + Json.abbreviate(text));
            return;
        }
        switch (json.path("type").asText()) {
            case "joined" -> joined.countDown();
            case "presence" -> { }
            case "message" -> onMessage(json);
            default -> fault("unexpected " + Json.abbreviate(text));
        }
    }

    private void onMessage(JsonNode json) {
        if (!room.equals(json.path("room").asText())) {
            fault("message from another room: " + json);
            return;
        }
        long seq = json.path("seq").asLong();
        if (seq != nextSeq) {
            fault("seq " + seq + " where " + nextSeq + " was due (gap, duplicate or reordering)");
            if (seq < nextSeq) {
                backwards++;
            }
        }
        if (seq > 0 && seq <= expected && !seen.get((int) seq)) {
            seen.set((int) seq);
            distinct++;
        } else {
            duplicates++;
        }
        nextSeq = Math.max(nextSeq, seq + 1);
        String id = json.path("id").asText();
        int dash = id.lastIndexOf('-');
        if (dash > 0) {
            String sender = id.substring(0, dash);
            int n = Integer.parseInt(id.substring(dash + 1));
            int due = nextPerSender.getOrDefault(sender, 0);
            if (n != due) {
                fault("sender " + sender + ": message " + n + " where " + due + " was due");
            }
            nextPerSender.put(sender, n + 1);
            Semaphore window = windows.get(sender);
            if (window != null) {
                window.release();
            }
        }
        if (distinct == expected) {
            done.countDown();
        }
    }

    /** The connection ended: nothing more will come, so a waiting test stops waiting. */
    synchronized void closed(int code, String reason) {
        if (distinct < expected) {
            fault("connection closed with " + code + " '" + reason + "' after seq " + (nextSeq - 1));
            joined.countDown();
            done.countDown();
        }
    }

    private void fault(String what) {
        if (problem == null) {
            problem = name + ": " + what;
        }
    }

    /**
     * A send window for {@code sender}: one permit per message it may have in flight, given back
     * when this tracker sees the message come back. The sender acquires one before each send.
     */
    Semaphore window(String sender, int size) {
        Semaphore window = new Semaphore(size);
        windows.put(sender, window);
        return window;
    }

    void awaitJoined(Duration timeout) {
        await(joined, timeout, "joined");
    }

    /** Waits until every seq from 1 to {@code expected} has come, and fails on any fault seen on the way. */
    void awaitAll(Duration timeout, TestServer server) {
        if (!finished(timeout)) {
            fail(name + ": no " + expected + " messages within " + timeout.toMillis() + " ms (got up to seq "
                    + received() + ")" + (problem == null ? "" : "; first fault: " + problem())
                    + "; server stats: " + server.stats().toJson());
        }
        if (problem != null) {
            fail(problem() + "; server stats: " + server.stats().toJson());
        }
    }

    /** Whether all messages (or the end of the connection) came within the timeout. */
    boolean finished(Duration timeout) {
        try {
            return done.await(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The highest seq seen. */
    long received() {
        return nextSeq - 1;
    }

    /** How many of the seqs 1..expected have been seen. */
    synchronized long distinct() {
        return distinct;
    }

    /** The first fault and, if there was one, what the whole stream looked like. */
    String problem() {
        if (problem == null) {
            return null;
        }
        synchronized (this) {
            long missing = Math.min(nextSeq - 1, expected) - distinct;
            return problem + " [up to seq " + (nextSeq - 1) + ": " + missing + " missing, " + duplicates
                    + " duplicates, " + backwards + " came after a later one]";
        }
    }

    private void await(CountDownLatch latch, Duration timeout, String what) {
        try {
            if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                fail(name + ": no " + what + " within " + timeout.toMillis() + " ms"
                        + (problem == null ? "" : "; first fault: " + problem));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
