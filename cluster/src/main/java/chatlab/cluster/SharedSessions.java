package chatlab.cluster;

import chatlab.protocol.chat.Outbound;
import chatlab.protocol.session.HttpSession;
import chatlab.protocol.session.SessionBroker;
import chatlab.protocol.session.SessionTable;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * HTTP sessions shared through Redis, so that a {@code /send}, a short or long {@code /poll} or an
 * {@code /events} stream may land on any server ({@link SessionBroker} explains the model: a
 * session's home keeps its chat, the other servers keep replicas).
 *
 * <p><b>In Redis</b>, per session (keys share the hash tag {@code {SID}}): {@code chatlab:session:{SID}}
 * is a hash {@code home, last}; {@code chatlab:session:{SID}:box} a stream of its last 1000
 * messages, entry id {@code N-0}; channel {@code chatlab:session:{SID}} carries {@code m N JSON}
 * for each new message and {@code end}. Each server has an inbox channel
 * {@code chatlab:server:{ID}} ({@code send SID JSON-ARRAY}, {@code touch SID}) and a key
 * {@code chatlab:server:{ID}:alive} that its heartbeat keeps for one presence TTL: a replica whose
 * home stopped renewing it ends, as the session did with its home.
 *
 * <p><b>Costs.</b> Every message of every HTTP session of a broker server is written to Redis
 * once more ({@code session_put.lua}: an {@code XADD} and a {@code PUBLISH}), whether or not
 * another server ever asks for the session: that is the price of not tying the user to one server.
 *
 * <p><b>Threads.</b> As in {@link RedisRooms}: calls come from connections' threads and timers and
 * only send; what Redis answers reaches the replicas and the home's {@link SessionTable} through
 * the server's delivery executor (the event loop, in the evented model).
 *
 * <p><b>Limits.</b> A session's chat lives at its home: when the home dies, the session dies with
 * it (its replicas end within a presence TTL, requests answer 404, the client makes a new session
 * and resumes its rooms with {@code after}). Messages a home received while Redis was away were
 * not copied: its replicas step over them (a poll from below sees {@code gap}).
 */
final class SharedSessions implements SessionBroker {

    /** How long session keys outlive their last refresh: garbage collection for sessions whose home died. */
    private static final Duration KEY_TTL = Duration.ofHours(24);
    /** The home refreshes its sessions' keys this often, whether or not they got messages. */
    private static final long REFRESH_NANOS = TimeUnit.HOURS.toNanos(1);
    /** A session announced a moment ago may still be on its way to Redis: ask again this many times. */
    private static final int MISSING_RETRIES = 5;

    private final RedisRooms broker;
    private final String inbox;
    private final String ttl = Long.toString(KEY_TTL.toMillis());
    private volatile SessionTable table;
    /** Replicas here, by session id, for the session channels' messages. */
    private final Map<String, HttpSession> replicas = new ConcurrentHashMap<>();
    /** Sessions made here, with when their keys were last refreshed. */
    private final Map<String, Long> homeSessions = new ConcurrentHashMap<>();

    SharedSessions(RedisRooms broker) {
        this.broker = broker;
        this.inbox = inboxOf(broker.serverId());
    }

    static String inboxOf(String serverId) {
        return "chatlab:server:{" + serverId + "}";
    }

    static String aliveKeyOf(String serverId) {
        return inboxOf(serverId) + ":alive";
    }

    /** This server's inbox, which it follows from its start. */
    String inbox() { return inbox; }

    // ---- SessionBroker ----

    @Override
    public void attach(SessionTable sessions) {
        this.table = sessions;
    }

    @Override
    public void created(HttpSession session) {
        String[] keys = keys(session.id());
        homeSessions.put(session.id(), System.nanoTime());
        broker.<Long>eval(Script.SESSION_NEW, new String[] {keys[0]}, broker.serverId(), ttl);
        // For the session's whole life: each message it numbers is copied, in order (one connection).
        session.subscribe(0, Integer.MAX_VALUE, (number, message) -> broker.<Long>eval(Script.SESSION_PUT, keys,
                channelOf(session.id()), Long.toString(number), message.json(), ttl, RedisRooms.HISTORY));
    }

    @Override
    public void ended(HttpSession session) {
        homeSessions.remove(session.id());
        broker.<Long>eval(Script.SESSION_END, keys(session.id()), channelOf(session.id()));
    }

    @Override
    public void load(HttpSession replica) {
        replicas.put(replica.id(), replica);
        broker.subscribe(channelOf(replica.id())).whenComplete((ignored, error) -> {
            if (error != null) fail(replica, false);
            else read(replica, -1, MISSING_RETRIES); // after the subscription: nothing newer is missed
        });
    }

    @Override
    public void forward(HttpSession replica, List<JsonNode> messages) {
        String home = replica.home();
        if (home == null) return;
        StringBuilder array = new StringBuilder("[");
        for (JsonNode message : messages) {
            if (array.length() > 1) array.append(',');
            array.append(message.toString());
        }
        broker.publish(inboxOf(home), "send " + replica.id() + " " + array.append(']'));
    }

    @Override
    public void touch(HttpSession replica) {
        String home = replica.home();
        if (home == null) return; // still loading: the load will tell
        String[] keys = keys(replica.id());
        broker.<Long>eval(Script.SESSION_TOUCH, new String[] {keys[0], keys[1], aliveKeyOf(home)}, inboxOf(home), replica.id(), ttl)
                .thenAccept(alive -> {
                    if (alive == 0) broker.post(replica::endReplica); // its home let it go, or died
                });
    }

    @Override
    public void dropped(HttpSession replica) {
        if (replicas.remove(replica.id(), replica)) broker.unsubscribe(channelOf(replica.id()));
    }

    // ---- from Redis ----

    /** A message on a session channel or this server's inbox (a Lettuce I/O thread). */
    void onPublished(String channel, String payload) {
        if (channel.equals(inbox)) {
            onInbox(payload);
            return;
        }
        HttpSession replica = replicas.get(channel.substring("chatlab:session:{".length(), channel.length() - 1));
        if (replica == null) return;
        if (payload.equals("end")) {
            broker.post(replica::endReplica);
        } else if (payload.startsWith("m ")) {
            int space = payload.indexOf(' ', 2);
            long number = Long.parseLong(payload, 2, space, 10);
            Outbound message = new Outbound(payload.substring(space + 1));
            broker.post(() -> {
                if (!replica.arrived(number, message, false)) read(replica, replica.lastNumber(), 0);
            });
        }
    }

    private void onInbox(String payload) {
        int first = payload.indexOf(' ');
        int second = payload.indexOf(' ', first + 1);
        String kind = payload.substring(0, first);
        String sid = second < 0 ? payload.substring(first + 1) : payload.substring(first + 1, second);
        SessionTable sessions = table;
        if (sessions == null) return;
        if (kind.equals("touch")) {
            broker.post(() -> sessions.touched(sid));
        } else if (kind.equals("send") && second > 0) {
            List<JsonNode> messages = new ArrayList<>();
            try {
                broker.json().parse(payload.substring(second + 1)).forEach(messages::add);
            } catch (JsonProcessingException e) {
                return; // the sender checked the body before forwarding it: never happens
            }
            broker.post(() -> sessions.forwarded(sid, messages));
        }
    }

    /**
     * Reads the session's messages above {@code after} into the replica: its first load ({@code
     * after} -1), or a refill after a missed message. A session Redis does not know yet may be one
     * announced a moment ago, on its way: asked again a few times before the replica is told it is missing.
     */
    private void read(HttpSession replica, long after, int retriesIfMissing) {
        String[] keys = keys(replica.id());
        broker.<List<Object>>eval(Script.SESSION_READ, keys, Long.toString(Math.max(0, after)))
                .whenComplete((reply, error) -> {
                    if (error != null) {
                        if (after < 0) fail(replica, false);
                        return; // a refill that failed: the resync when Redis is back tries again
                    }
                    if (reply.isEmpty()) {
                        if (after >= 0) {
                            broker.post(replica::endReplica);
                        } else if (retriesIfMissing > 0) {
                            long delay = 20L << (MISSING_RETRIES - retriesIfMissing);
                            CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS)
                                    .execute(() -> read(replica, after, retriesIfMissing - 1));
                        } else {
                            fail(replica, true);
                        }
                        return;
                    }
                    String home = (String) reply.get(0);
                    long last = (Long) reply.get(1);
                    List<Replies.Entry> entries = Replies.entries(reply.get(2));
                    broker.post(() -> {
                        if (after < 0) {
                            List<Outbound> kept = new ArrayList<>(entries.size());
                            long expected = last - entries.size() + 1;
                            for (Replies.Entry entry : entries) {
                                if (entry.seq() != expected++) break; // never: the box numbers without holes
                                kept.add(new Outbound(entry.json()));
                            }
                            if (!replica.loaded(home, last, kept)) read(replica, replica.lastNumber(), 0);
                        } else {
                            for (Replies.Entry entry : entries) replica.arrived(entry.seq(), new Outbound(entry.json()), true);
                        }
                    });
                });
    }

    private void fail(HttpSession replica, boolean missing) {
        dropped(replica);
        broker.post(() -> replica.loadFailed(missing));
    }

    /** Redis is back: each replica reads what its channel may have dropped meanwhile. */
    void resync() {
        for (HttpSession replica : replicas.values()) {
            if (!replica.isLoading()) read(replica, replica.lastNumber(), 0);
        }
    }

    /** The channels to follow again after a reconnect: the inbox and every replica's. */
    List<String> channels() {
        List<String> channels = new ArrayList<>();
        channels.add(inbox);
        for (String sid : replicas.keySet()) channels.add(channelOf(sid));
        return channels;
    }

    /** On the timer: keys of long-lived sessions made here are refreshed before their TTL. */
    void refresh() {
        long now = System.nanoTime();
        for (Map.Entry<String, Long> session : homeSessions.entrySet()) {
            if (now - session.getValue() < REFRESH_NANOS) continue;
            session.setValue(now);
            String[] keys = keys(session.getKey());
            broker.<Long>eval(Script.SESSION_KEEP, keys, ttl);
        }
    }

    private static String channelOf(String sid) {
        return "chatlab:session:{" + sid + "}";
    }

    private static String[] keys(String sid) {
        String hash = channelOf(sid);
        return new String[] {hash, hash + ":box"};
    }
}
