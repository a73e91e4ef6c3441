package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Checks a stream of chat messages as it arrives instead of keeping it (for the tests that move
 * millions of them): the room's {@code seq} must go 1, 2, 3, ... without gap or duplicate, and each
 * sender's ids ({@code sender-n}) must come in the sender's order. Called by one client library
 * thread at a time; the test thread reads the outcome after {@link #awaitAll}.
 */
final class RoomTracker implements Consumer<String> {

    private final String name;
    private final String room;
    private final long expected;
    private final CountDownLatch joined = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private final Map<String, Integer> nextPerSender = new HashMap<>();
    private volatile long nextSeq = 1;
    private volatile String problem;

    RoomTracker(String name, String room, long expected) {
        this.name = name;
        this.room = room;
        this.expected = expected;
    }

    @Override
    public void accept(String text) {
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
        }
        nextSeq = seq + 1;
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
        }
        if (seq == expected) {
            done.countDown();
        }
    }

    private void fault(String what) {
        if (problem == null) {
            problem = name + ": " + what;
        }
    }

    void awaitJoined(Duration timeout) {
        await(joined, timeout, "joined");
    }

    /** Waits for message number {@code expected} and fails on any fault seen on the way. */
    void awaitAll(Duration timeout) {
        await(done, timeout, "all " + expected + " messages (got up to seq " + (nextSeq - 1) + ")");
        if (problem != null) {
            fail(problem);
        }
    }

    long received() {
        return nextSeq - 1;
    }

    String problem() {
        return problem;
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
