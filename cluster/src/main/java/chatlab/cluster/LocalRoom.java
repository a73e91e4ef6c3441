package chatlab.cluster;

import chatlab.protocol.chat.ChatHub;
import chatlab.protocol.chat.Outbound;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One room as this server sees it while some of its connections are in it: those members, and
 * where this server stands in the room's numbered stream of messages.
 *
 * <p><b>Order.</b> A message reaches this server by up to three paths, each in its own order:
 * the room's channel (Redis pub/sub, at most once), the reply to this server's own {@code say},
 * and the history read by a sync. The room delivers each {@code seq} once and in order: a seq at
 * or below {@link #delivered} is dropped, the next one is delivered, a later one waits in
 * {@link #waiting} until what comes before it arrives, or, if it does not arrive within a short
 * grace, until a sync reads it from the history. A hole the history no longer has (trimmed, or
 * lost with Redis's data) is stepped over: only then do members see a jump in {@code seq}.
 *
 * <p><b>Joining.</b> The join script registers the member and reads the room's last seq at one
 * moment; its reply may come after later messages were already delivered here. Those are kept in
 * {@link #recent}, so the joiner still gets every message after its join, once: each member has a
 * {@code from}, and is handed only messages numbered above it.
 *
 * <p><b>Threads.</b> One lock, like {@link ChatHub}'s rooms, held while messages are handed to
 * members (which never blocks). Calls come from the broker client's threads in the threaded
 * models, from the event loop only in the evented model (where the lock is never contended), and
 * from the broker's timer thread for heartbeats and syncs.
 */
final class LocalRoom {

    /** A member's place in this room: its name, its presence entry, and the seq it follows from. */
    record Place(String name, String key, long from) {}

    /** A message waiting for the ones before it, with the epoch it was numbered in. */
    private record Pending(String epoch, String json) {}

    /** A delivered message, kept for members whose join reply comes after it. */
    private record Kept(long seq, Outbound message) {}

    /** How long a seq jump may wait for the channel to bring what it skipped, before the history is read. */
    static final Duration FILL_GRACE = Duration.ofMillis(50);

    final String name;
    final String channel;
    /** KEYS for the say and sync scripts, the join script, and the presence scripts. */
    final String[] numberingKeys;
    final String[] joinKeys;
    final String[] membersKey;
    private final RedisRooms broker;
    private final ReentrantLock lock = new ReentrantLock();

    // ---- guarded by lock ----
    private final LinkedHashMap<RedisRooms.Member, Place> members = new LinkedHashMap<>();
    /** Joins that reserved this room and have not finished: the room stays while any is pending. */
    private int joining;
    /** No member and no join left: taken out of the broker's map, never used again. */
    private boolean removed;
    /** Whether a join reply has told this room where the stream stands. */
    private boolean positioned;
    private String epoch = "";
    private long delivered;
    private final TreeMap<Long, Pending> waiting = new TreeMap<>();
    private final ArrayDeque<Kept> recent = new ArrayDeque<>();
    private boolean syncRequested;
    private boolean syncing;
    /** The room's member count on all servers, as last heard: for {@code left} while the broker is away. */
    private long knownCount;

    /** Completes once this server's subscription to {@link #channel} is confirmed. Set once, under the broker's subscription lock. */
    CompletableFuture<Void> subscribed;

    LocalRoom(String name, RedisRooms broker) {
        this.name = name;
        this.broker = broker;
        String tag = "chatlab:{" + name + "}";
        this.channel = tag;
        String meta = tag + ":meta";
        String log = tag + ":log";
        String memberSet = tag + ":members";
        this.numberingKeys = new String[] {meta, log};
        this.joinKeys = new String[] {meta, log, memberSet};
        this.membersKey = new String[] {memberSet};
    }

    // ---- joining and leaving ----

    /** A join is about to use this room; false once it was removed (the caller makes a new one). */
    boolean reserveJoin() {
        return locked(() -> {
            if (removed) return false;
            joining++;
            return true;
        });
    }

    /** A reserved join failed. @return true when the room is now empty and removed */
    boolean joinFailed() {
        return locked(() -> {
            joining--;
            return removeIfEmpty();
        });
    }

    /** The member's place in this room, or null when it is not in it. */
    Place placeOf(RedisRooms.Member member) {
        return locked(() -> members.get(member));
    }

    /** The highest seq delivered here, which a room recreated after a loss must number above. */
    long floor() {
        return locked(() -> delivered);
    }

    /**
     * The join script's reply: the member gets {@code joined}, the history above {@code after},
     * then what this room delivered after the script ran, and from then on every message.
     */
    void joined(RedisRooms.Member member, String key, String memberName, long after, Replies.Join reply) {
        lock.lock();
        try {
            joining--;
            Place previous = members.get(member);
            boolean gap = reply.gap();
            long from = reply.seq();
            List<Outbound> sinceScript = List.of();
            if (!positioned) {
                positioned = true;
                epoch = reply.epoch();
                delivered = reply.seq();
            } else if (!reply.epoch().equals(epoch)) {
                requestSync(Duration.ZERO); // this room is behind a change of epoch; the sync catches it up
            } else if (previous == null && delivered > reply.seq()) {
                sinceScript = recentAbove(reply.seq());
                if (sinceScript.size() < delivered - reply.seq() && after >= 0) gap = true;
                from = delivered;
            }
            knownCount = reply.members();
            broker.send(member, broker.json().joined(name, memberName, reply.members(), gap));
            for (String json : reply.history()) broker.send(member, new Outbound(json));
            for (Outbound message : sinceScript) broker.send(member, message);
            members.put(member, new Place(memberName, key, previous == null ? from : previous.from()));
            drainWaiting();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the member out of this room (locally; the caller tells Redis).
     *
     * @return its place, or null when it was not in the room
     */
    Place remove(RedisRooms.Member member) {
        return locked(() -> {
            Place place = members.remove(member);
            if (place != null) removeIfEmpty();
            return place;
        });
    }

    boolean isRemoved() {
        return locked(() -> removed);
    }

    /** The count for {@code left} when the broker cannot say: the last one heard, less the leaver. */
    long countWithout() {
        return locked(() -> Math.max(0, knownCount - 1));
    }

    /** This server's presence entries in the room, for the heartbeat. */
    List<String> memberKeys() {
        return locked(() -> {
            List<String> keys = new ArrayList<>(members.size());
            for (Place place : members.values()) keys.add(place.key());
            return keys;
        });
    }

    // ---- the stream ----

    /** A numbered message, from the channel or from the reply to a {@code say}. */
    void onMessage(String messageEpoch, long seq, String json) {
        lock.lock();
        try {
            if (!positioned || !messageEpoch.equals(epoch)) {
                park(seq, messageEpoch, json);
                if (positioned) requestSync(Duration.ZERO); // a new epoch: Redis lost the history we follow
                return;
            }
            if (seq <= delivered) return;
            if (seq == delivered + 1) {
                deliver(seq, new Outbound(json));
                drainWaiting();
            } else {
                park(seq, messageEpoch, json);
                requestSync(FILL_GRACE);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A presence event for the room: to every member of this server but the one it is about. */
    void onPresence(String event, long count, String key) {
        lock.lock();
        try {
            knownCount = count;
            Outbound presence = null;
            for (Map.Entry<RedisRooms.Member, Place> entry : members.entrySet()) {
                if (entry.getValue().key().equals(key)) continue;
                if (presence == null) presence = broker.json().presence(name, RedisRooms.nameOfKey(key), event, count);
                broker.send(entry.getKey(), presence);
            }
        } finally {
            lock.unlock();
        }
    }

    /** What a sync needs, marking it in flight; null when none is due (one at a time, positioned rooms only). */
    SyncRequest beginSync() {
        return locked(() -> {
            syncRequested = false;
            if (syncing || removed || !positioned) return null;
            syncing = true;
            return new SyncRequest(delivered, epoch);
        });
    }

    record SyncRequest(long floor, String epoch) {}

    /** The sync script's reply: deliver what was missed, step over what the history no longer has. */
    void synced(Replies.Sync reply) {
        lock.lock();
        try {
            syncing = false;
            if (!reply.epoch().equals(epoch)) {
                // Redis lost the history this room followed; numbering goes on above `lost`.
                epoch = reply.epoch();
                delivered = Math.max(delivered, reply.lost());
            }
            for (Replies.Entry entry : reply.entries()) {
                if (entry.seq() > delivered) deliver(entry.seq(), new Outbound(entry.json()));
            }
            boolean complete = reply.entries().size() < ChatHub.HISTORY;
            if (complete) {
                // Everything up to the script's last seq was read: a hole below it is gone for good.
                delivered = Math.max(delivered, reply.seq());
            }
            drainWaiting();
            if (!complete) requestSync(Duration.ZERO);
        } finally {
            lock.unlock();
        }
    }

    /** A sync failed (the broker is away): the resync on its return covers this room. */
    void syncFailed() {
        locked(() -> syncing = false);
    }

    // ---- under the lock ----

    private <T> T locked(Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    private void deliver(long seq, Outbound message) {
        recent.addLast(new Kept(seq, message));
        if (recent.size() > ChatHub.HISTORY) recent.removeFirst();
        delivered = seq;
        for (Map.Entry<RedisRooms.Member, Place> entry : members.entrySet()) {
            if (seq > entry.getValue().from()) broker.send(entry.getKey(), message);
        }
    }

    private void park(long seq, String messageEpoch, String json) {
        waiting.put(seq, new Pending(messageEpoch, json));
        // Bounded: whatever is dropped here is in the history, which the next sync reads.
        if (waiting.size() > ChatHub.HISTORY) waiting.pollLastEntry();
    }

    private void drainWaiting() {
        if (!positioned) return;
        while (!waiting.isEmpty()) {
            Map.Entry<Long, Pending> first = waiting.firstEntry();
            long seq = first.getKey();
            if (seq <= delivered || !first.getValue().epoch().equals(epoch)) {
                waiting.pollFirstEntry(); // already delivered, or numbered in another epoch: the sync reads it again
                if (seq > delivered) requestSync(Duration.ZERO);
                continue;
            }
            if (seq != delivered + 1) break;
            waiting.pollFirstEntry();
            deliver(seq, new Outbound(first.getValue().json()));
        }
        if (!waiting.isEmpty()) requestSync(FILL_GRACE);
    }

    private List<Outbound> recentAbove(long seq) {
        List<Outbound> above = new ArrayList<>();
        for (Kept kept : recent) {
            if (kept.seq() > seq) above.add(kept.message());
        }
        return above;
    }

    private void requestSync(Duration delay) {
        if (syncRequested || syncing) return;
        syncRequested = true;
        broker.scheduleSync(this, delay);
    }

    private boolean removeIfEmpty() {
        if (members.isEmpty() && joining == 0 && !removed) {
            removed = true;
            return true;
        }
        return false;
    }
}
