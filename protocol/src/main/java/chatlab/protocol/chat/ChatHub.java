package chatlab.protocol.chat;

import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.ServerCounters;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The rooms of one server: members, per-room {@code seq}, presence and the last
 * {@value #HISTORY} messages of each room. Shared by every connection of the server, in every
 * model: each room is guarded by its own lock, so rooms never wait for each other, and within a
 * room the order in which {@code seq} is assigned is the order in which every member's queue
 * receives the message (no gaps, no reordering, whatever thread says what).
 *
 * <p>Fan-out happens with the room's lock held, which is safe only because
 * {@link ChatMember#deliver} never blocks: a member whose queue is full is closed (1008) by its
 * own transport instead of slowing the room down.
 */
public final class ChatHub {

    /** Messages each room keeps for {@code join} with {@code after}. */
    public static final int HISTORY = 1000;

    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final ServerCounters counters;
    private final ServerConfig.Faults faults;
    private final ChatJson json;

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
    public void join(ChatMember member, String roomName, String name, long after) {
        Room room = rooms.computeIfAbsent(roomName, Room::new);
        room.lock.lock();
        try {
            boolean rejoin = room.members.put(member, name) != null;
            ObjectNode joined = json.object("joined");
            joined.put("room", roomName);
            joined.put("name", name);
            joined.put("members", room.members.size());
            if (after >= 0) {
                long oldestKept = room.history.isEmpty() ? room.seq + 1 : room.history.peekFirst().seq;
                if (after + 1 < oldestKept && after < room.seq) joined.put("gap", true);
            }
            send(member, json.outbound(joined));
            if (after >= 0) {
                for (Kept kept : room.history) {
                    if (kept.seq > after) send(member, kept.message);
                }
            }
            if (!rejoin) {
                fanOut(room, member, presence(roomName, name, "join", room.members.size()));
            }
        } finally {
            room.lock.unlock();
        }
    }

    /** Removes {@code member} from {@code room}: it receives {@code left}, the others {@code presence leave}. */
    public void leave(ChatMember member, String roomName) {
        Room room = rooms.get(roomName);
        if (room == null) return;
        room.lock.lock();
        try {
            String name = room.members.remove(member);
            if (name == null) return;
            ObjectNode left = json.object("left");
            left.put("room", roomName);
            left.put("members", room.members.size());
            send(member, json.outbound(left));
            fanOut(room, null, presence(roomName, name, "leave", room.members.size()));
        } finally {
            room.lock.unlock();
        }
    }

    /** A connection went away: the others see {@code presence leave}, the member itself gets nothing. */
    public void disconnect(ChatMember member, Iterable<String> roomNames) {
        for (String roomName : roomNames) {
            Room room = rooms.get(roomName);
            if (room == null) continue;
            room.lock.lock();
            try {
                String name = room.members.remove(member);
                if (name != null) fanOut(room, null, presence(roomName, name, "leave", room.members.size()));
            } finally {
                room.lock.unlock();
            }
        }
    }

    /**
     * Numbers a message, keeps it, and hands the same serialized bytes to every member, the
     * sender included (its copy is the acknowledgement).
     *
     * @return false when {@code member} is not in the room
     */
    public boolean say(ChatMember member, String roomName, String text, String id) {
        Room room = rooms.get(roomName);
        if (room == null) return false;
        room.lock.lock();
        try {
            String from = room.members.get(member);
            if (from == null) return false;
            long seq = ++room.seq;
            Outbound outbound = json.message(roomName, from, text, id, seq, System.currentTimeMillis());
            room.history.addLast(new Kept(seq, outbound));
            if (room.history.size() > HISTORY) room.history.removeFirst();
            if (faults.dropEveryNth() > 0 && seq % faults.dropEveryNth() == 0) {
                return true; // deliberately lost, so the harness's tests can see it counted
            }
            fanOut(room, null, outbound);
            return true;
        } finally {
            room.lock.unlock();
        }
    }

    /** The server's JSON mapper: the hub writes every server message with it, and the chat sessions parse with it. */
    public ChatJson json() { return json; }

    /** How many rooms exist (a room lives on after its last member leaves, for its history). */
    public int roomCount() { return rooms.size(); }

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

    private Outbound presence(String room, String name, String event, int members) {
        ObjectNode node = json.object("presence");
        node.put("room", room);
        node.put("name", name);
        node.put("event", event);
        node.put("members", members);
        return json.outbound(node);
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
