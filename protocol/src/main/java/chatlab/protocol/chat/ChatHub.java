package chatlab.protocol.chat;

import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.ServerCounters;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The rooms of one server, in its own memory: members, per-room {@code seq}, presence and the
 * last {@value #HISTORY} messages of each room. Without {@code --broker} this is the server's
 * {@link Rooms}. Shared by every connection of the server, in every model: each room is guarded
 * by its own lock, so rooms never wait for each other, and within a room the order in which
 * {@code seq} is assigned is the order in which every member's queue receives the message (no
 * gaps, no reordering, whatever thread says what). Everything is answered on the caller's thread,
 * before the call returns.
 *
 * <p>Fan-out happens with the room's lock held, which is safe only because
 * {@link ChatMember#deliver} never blocks: a member whose queue is full is closed (1008) by its
 * own transport instead of slowing the room down.
 */
public final class ChatHub implements Rooms {

    /** Messages each room keeps for {@code join} with {@code after}. */
    public static final int HISTORY = 1000;

    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final ServerCounters counters;
    private final ServerConfig.Faults faults;
    private final ChatJson json;

    /** A hub with counters of its own and the shared JSON pool: the exercise track's reference, made by class name. */
    public ChatHub() {
        this(new ServerCounters(), ServerConfig.Faults.NONE, new ChatJson(ServerConfig.JsonRecycler.SHARED));
    }

    public ChatHub(ServerCounters counters, ServerConfig.Faults faults, ChatJson json) {
        this.counters = counters;
        this.faults = faults;
        this.json = json;
    }

    /**
     * Adds {@code member} to {@code room} under {@code name}: the member receives {@code joined},
     * then the kept messages numbered above {@code after} (when {@code after >= 0}), and the other
     * members receive {@code presence join}. Joining a room again renames and replays, without presence.
     */
    @Override
    public void join(ChatMember member, String roomName, String name, long after, JsonNode id) {
        Room room = rooms.computeIfAbsent(roomName, Room::new);
        room.lock.lock();
        try {
            boolean rejoin = room.members.put(member, name) != null;
            boolean gap = false;
            if (after >= 0) {
                long oldestKept = room.history.isEmpty() ? room.seq + 1 : room.history.peekFirst().seq;
                gap = after + 1 < oldestKept && after < room.seq;
            }
            send(member, json.joined(roomName, name, room.members.size(), gap));
            if (after >= 0) {
                for (Kept kept : room.history) {
                    if (kept.seq > after) send(member, kept.message);
                }
            }
            if (!rejoin) {
                fanOut(room, member, json.presence(roomName, name, "join", room.members.size()));
            }
        } finally {
            room.lock.unlock();
        }
    }

    @Override
    public void leave(ChatMember member, String roomName, JsonNode id) {
        Room room = rooms.get(roomName);
        if (room == null) {
            notJoined(member, roomName, id);
            return;
        }
        room.lock.lock();
        try {
            String name = room.members.remove(member);
            if (name == null) {
                notJoined(member, roomName, id);
                return;
            }
            send(member, json.left(roomName, room.members.size()));
            fanOut(room, null, json.presence(roomName, name, "leave", room.members.size()));
        } finally {
            room.lock.unlock();
        }
    }

    @Override
    public void disconnect(ChatMember member, Iterable<String> roomNames) {
        for (String roomName : roomNames) {
            Room room = rooms.get(roomName);
            if (room == null) continue;
            room.lock.lock();
            try {
                String name = room.members.remove(member);
                if (name != null) fanOut(room, null, json.presence(roomName, name, "leave", room.members.size()));
            } finally {
                room.lock.unlock();
            }
        }
    }

    /** Numbers the message, keeps it, and hands the same serialized bytes to every member. */
    @Override
    public void say(ChatMember member, String roomName, String text, String id) {
        Room room = rooms.get(roomName);
        if (room == null) {
            notJoined(member, roomName, id == null ? null : TextNode.valueOf(id));
            return;
        }
        room.lock.lock();
        try {
            String from = room.members.get(member);
            if (from == null) {
                notJoined(member, roomName, id == null ? null : TextNode.valueOf(id));
                return;
            }
            long seq = ++room.seq;
            Outbound outbound = json.message(roomName, from, text, id, seq, System.currentTimeMillis());
            room.history.addLast(new Kept(seq, outbound));
            if (room.history.size() > HISTORY) room.history.removeFirst();
            if (faults.dropEveryNth() > 0 && seq % faults.dropEveryNth() == 0) {
                return; // deliberately lost, so the harness's tests can see it counted
            }
            fanOut(room, null, outbound);
        } finally {
            room.lock.unlock();
        }
    }

    @Override
    public ChatJson json() { return json; }

    /** How many rooms exist (a room lives on after its last member leaves, for its history). */
    public int roomCount() { return rooms.size(); }

    @Override
    public String brokerUrl() { return null; }

    @Override
    public boolean brokerUp() { return true; }

    @Override
    public void close() {
        // Nothing to release: the rooms go with the server.
    }

    private void fanOut(Room room, ChatMember except, Outbound message) {
        for (Iterator<ChatMember> it = room.members.keySet().iterator(); it.hasNext(); ) {
            ChatMember member = it.next();
            if (member != except) send(member, message);
        }
    }

    private void send(ChatMember member, Outbound message) {
        counters.messageOut(message.frameLength());
        member.deliver(message);
    }

    private void notJoined(ChatMember member, String roomName, JsonNode id) {
        counters.appError();
        member.deliver(json.notJoined(roomName, id));
    }

    private record Kept(long seq, Outbound message) {}

    private static final class Room {
        final ReentrantLock lock = new ReentrantLock();
        /** Member to its name in this room, in join order. Guarded by {@link #lock}. */
        final LinkedHashMap<ChatMember, String> members = new LinkedHashMap<>();
        /** The last {@value #HISTORY} messages, oldest first. Guarded by {@link #lock}. */
        final ArrayDeque<Kept> history = new ArrayDeque<>();
        /** The last number given. Guarded by {@link #lock}. */
        long seq;

        Room(String name) {}
    }
}
