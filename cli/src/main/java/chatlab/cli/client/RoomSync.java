package chatlab.cli.client;

import chatlab.protocol.chat.ChatJson;
import chatlab.protocol.server.ServerConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * One client's view of one room, kept whole across connections: the terminal client's copy of
 * the browser library's resume logic (chat-client.js), without I/O. The caller feeds it the
 * connection's events and does what it returns; it never touches a socket or a clock.
 *
 * <p>Resume: it remembers the last message shown ({@code seq} and the message itself). On every
 * connection it joins with {@code after} = that seq - 1 (0 the first time), then once more with an
 * {@code after} beyond any message, whose {@code joined} marks the end of the replay. If the
 * replay starts with the same message, what follows is new; if not, the server lost its rooms (a
 * restart numbers from 1 again) and it joins with {@code after=0} to take the new history. A
 * message that skips a number while live means something was missed: it syncs again.
 *
 * <p>Exactly once: each message said gets an id and waits in the outbox until its echo comes
 * back, and is sent again on each new connection (after the replay, which may already hold it);
 * every message shown is remembered by id, so a copy is never shown twice. After a restart, what
 * this client said in the last {@link #REPUBLISH_WINDOW} before the loss is said again under the
 * same ids: the old server may have echoed it here and died before the others got it.
 *
 * <p>Not thread-safe: one thread at a time (the caller holds a lock).
 */
public final class RoomSync {

    /** The client's JSON mapper: one per process, its scratch buffers in a small shared pool. */
    static final ChatJson JSON = new ChatJson(ServerConfig.JsonRecycler.SHARED);

    /** What the caller does for the sync: send on the current connection, show to the user. */
    public interface Output {
        void send(String json);

        void show(Shown shown);
    }

    /** Something to show. */
    public sealed interface Shown {
        record Message(String from, String text, long seq, long ts, boolean mine) implements Shown {}

        record Presence(String name, String event, int members) implements Shown {}

        /** kind: live, gap, restart, error. */
        record Notice(String kind, String text) implements Shown {}
    }

    /** {@code after} beyond any seq: a join that is answered with {@code joined} and nothing else. */
    static final long NOTHING_AFTER = (1L << 53) - 1;
    static final Duration REPUBLISH_WINDOW = Duration.ofSeconds(30);
    private static final int REMEMBERED_IDS = 10_000;

    private final String room;
    private final String name;
    private final String tag;
    private Output output;
    private boolean live;
    private long seq;
    private JsonNode last;
    private boolean numberingRestarted;
    private final SequencedSet<String> shownIds = new LinkedHashSet<>();
    private final List<JsonNode> held = new ArrayList<>();
    private long joinsSent;
    private long joinsAnswered;
    private long replayEndsAt;
    private long joinNumber;
    private boolean gapSeen;
    private long said;
    private int connection;
    /** id to text, in the order said. */
    private final Map<String, Pending> outbox = new LinkedHashMap<>();
    /** Our own acknowledged messages, oldest first, for {@link #REPUBLISH_WINDOW} and a little more. */
    private final ArrayDeque<Acknowledged> acknowledged = new ArrayDeque<>();
    private final LongSupplier nanoClock;
    private long lostAtNanos;

    private record Acknowledged(String id, String text, long atNanos) {}

    private record Pending(String text, int sentOn) {}

    /**
     * @param tag       this client's prefix for message ids (unique among the room's clients)
     * @param nanoClock {@link System#nanoTime}, or a test's clock
     */
    public RoomSync(String room, String name, String tag, LongSupplier nanoClock) {
        this.room = room;
        this.name = name;
        this.tag = tag;
        this.nanoClock = nanoClock;
    }

    /** A new connection is open: join and ask for what was missed. */
    public void connected(Output output) {
        this.output = output;
        connection++;
        joinsSent = 0;
        joinsAnswered = 0;
        startSync(List.of());
    }

    /** The connection is gone: nothing is sent until the next one. */
    public void disconnected() {
        output = null;
        live = false;
        lostAtNanos = nanoClock.getAsLong();
    }

    /** Whether the replay has ended on the current connection. */
    public boolean isLive() {
        return live;
    }

    /** Messages said and not yet acknowledged by their echo. */
    public int pending() {
        return outbox.size();
    }

    /** Says {@code text}: now if live, else on the next connection. Returns its id. */
    public String say(String text) {
        String id = tag + "-" + (++said);
        outbox.put(id, new Pending(text, 0));
        if (live) flushOutbox();
        return id;
    }

    /** A join that the server must answer: proof that the connection is alive. */
    public void heartbeat() {
        sendJoin(NOTHING_AFTER);
    }

    /** Sends again what the server could not take for now ({@code unavailable}); call now and then. */
    public void retryRefused() {
        if (live) flushOutbox();
    }

    /** A text message from the server. */
    public void received(String text) {
        JsonNode message;
        try {
            message = JSON.parse(text);
        } catch (JsonProcessingException e) {
            return; // PROTOCOL.md: one JSON object per message; anything else is not for us
        }
        if (message == null || !message.isObject()) return;
        if (message.has("room") && !room.equals(message.path("room").asText())) return;
        switch (message.path("type").asText()) {
            case "joined" -> {
                joinsAnswered++;
                if (!live && output != null) {
                    if (message.path("gap").asBoolean(false) && (seq > 0 || numberingRestarted)) gapSeen = true;
                    if (joinsAnswered >= replayEndsAt) settle();
                }
            }
            case "message" -> {
                if (!live) held.add(message);
                else accept(message);
            }
            case "presence" -> output.show(new Shown.Presence(message.path("name").asText(),
                    message.path("event").asText(), message.path("members").asInt()));
            case "error" -> onError(message);
            default -> { } // 'left', and what a newer server sends that this client does not know
        }
    }

    private void startSync(List<JsonNode> keep) {
        live = false;
        held.clear();
        held.addAll(keep);
        gapSeen = false;
        long after = seq > 0 && !numberingRestarted ? seq - 1 : 0;
        sendJoin(after);
        sendJoin(NOTHING_AFTER);
        replayEndsAt = joinsSent;
    }

    private void settle() {
        TreeMap<Long, JsonNode> bySeq = new TreeMap<>();
        for (JsonNode message : held) bySeq.putIfAbsent(message.path("seq").asLong(), message);
        if (seq > 0 && !numberingRestarted) {
            JsonNode anchor = bySeq.get(seq);
            boolean continues = anchor != null ? sameMessage(anchor, last) : gapSeen;
            if (!continues) {
                numberingRestarted = true;
                output.show(new Shown.Notice("restart", "the server lost its rooms (restarted?): catching up with its new history"));
                startSync(List.of());
                return;
            }
        }
        boolean restarted = numberingRestarted;
        numberingRestarted = false;
        long from = restarted ? 0 : seq;
        if (restarted) {
            seq = 0;
            last = null;
        }
        live = true;
        if (gapSeen) {
            output.show(new Shown.Notice("gap", "the server no longer had every message since the last one shown: some are missing"));
        }
        for (JsonNode message : bySeq.tailMap(from, false).values()) show(message);
        if (restarted) republish(bySeq.values());
        held.clear();
        output.show(new Shown.Notice(gapSeen ? "gap" : "live", gapSeen ? "live, with a gap" : "live"));
        flushOutbox();
    }

    private void accept(JsonNode message) {
        if (seq > 0 && message.path("seq").asLong() != seq + 1) {
            startSync(List.of(message));
            return;
        }
        show(message);
    }

    private void show(JsonNode message) {
        seq = message.path("seq").asLong();
        last = message;
        String id = message.hasNonNull("id") ? message.get("id").asText() : null;
        if (id != null) {
            Pending ours = outbox.remove(id);
            if (ours != null) {
                long now = nanoClock.getAsLong();
                acknowledged.addLast(new Acknowledged(id, ours.text(), now));
                while (now - acknowledged.peekFirst().atNanos() > 2 * REPUBLISH_WINDOW.toNanos()) acknowledged.removeFirst();
            }
            if (shownIds.contains(id)) return;
            shownIds.add(id);
            if (shownIds.size() > REMEMBERED_IDS) shownIds.removeFirst();
        }
        output.show(new Shown.Message(message.path("from").asText(), message.path("text").asText(), seq,
                message.path("ts").asLong(), id != null && id.startsWith(tag + "-")));
    }

    private void republish(Collection<JsonNode> newHistory) {
        Set<String> has = new HashSet<>();
        for (JsonNode message : newHistory) has.add(message.path("id").asText(""));
        long since = lostAtNanos - REPUBLISH_WINDOW.toNanos();
        for (Acknowledged mine : acknowledged) {
            if (mine.atNanos() - since >= 0 && !has.contains(mine.id()) && !outbox.containsKey(mine.id())) {
                outbox.put(mine.id(), new Pending(mine.text(), 0));
            }
        }
        acknowledged.clear();
    }

    private void flushOutbox() {
        for (Map.Entry<String, Pending> entry : outbox.entrySet()) {
            if (entry.getValue().sentOn() == connection) continue;
            entry.setValue(new Pending(entry.getValue().text(), connection));
            ObjectNode say = JSON.object("say");
            say.put("room", room);
            say.put("text", entry.getValue().text());
            say.put("id", entry.getKey());
            send(JSON.write(say));
        }
    }

    private void onError(JsonNode message) {
        String id = message.path("id").asText(null);
        String why = message.path("code").asText() + ": " + message.path("reason").asText();
        if (id != null && id.startsWith(tag + "-j")) {
            joinsAnswered++;
            output.show(new Shown.Notice("error", "join refused: " + why));
            return;
        }
        Pending refused = id == null ? null : outbox.get(id);
        if (refused != null && message.path("code").asText().equals("unavailable")) {
            outbox.put(id, new Pending(refused.text(), 0)); // the server's broker is down: send it again later
        } else if (refused != null) {
            outbox.remove(id); // refused for good (too long, ...)
        }
        output.show(new Shown.Notice("error", why + (refused != null ? " (\"" + refused.text() + "\")" : "")));
    }

    /** A join; its id comes back only in an error, and tells a refused join from a refused say. */
    private void sendJoin(long after) {
        ObjectNode join = JSON.object("join");
        join.put("room", room);
        join.put("name", name);
        join.put("after", after);
        join.put("id", tag + "-j" + (++joinNumber));
        joinsSent++;
        send(JSON.write(join));
    }

    private void send(String json) {
        if (output != null) output.send(json);
    }

    private static boolean sameMessage(JsonNode a, JsonNode b) {
        return b != null && a.path("seq").asLong() == b.path("seq").asLong() && a.path("ts").asLong() == b.path("ts").asLong()
                && a.path("from").asText().equals(b.path("from").asText())
                && Objects.equals(a.path("id").asText(null), b.path("id").asText(null))
                && a.path("text").asText().equals(b.path("text").asText());
    }
}
