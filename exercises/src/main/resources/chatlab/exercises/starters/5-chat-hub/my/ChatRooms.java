package my;

import chatlab.protocol.chat.ChatJson;
import chatlab.protocol.chat.ChatMember;
import chatlab.protocol.chat.Outbound;
import chatlab.protocol.chat.Rooms;
import chatlab.protocol.server.ServerConfig;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Exercise 5: the chat hub. One object per server holds every room: its members and their
 * names, its message numbers ({@code seq}), and the last messages it keeps for a client that
 * comes back ({@code join} with {@code after}). docs/PROTOCOL.md says what each answer looks like.
 *
 * <p>The server has already checked each request (a valid room and name, not too many rooms, a
 * {@code say} only for a room the connection joined) and calls you with a {@link ChatMember}: the
 * connection, to which you hand messages with {@code member.deliver(outbound)}. {@link ChatJson}
 * ({@code json} below) builds every message ({@code joined}, {@code left}, {@code presence},
 * {@code not_joined}, a room {@code message}); {@code new Outbound(text)} wraps one you build yourself.
 *
 * <p>Threads: in {@code threaded-platform} and {@code threaded-virtual} every connection calls you
 * from its own thread, at the same time as the others; in {@code evented} from the one loop thread.
 * Your hub must be right in both. {@code deliver} never blocks, so you may call it while holding a lock.
 *
 * <p>Check it: {@code ./chatlab exercise check 5}. The page: docs/exercises/5-chat-hub.md.
 */
public class ChatRooms implements Rooms {

    /** How many messages each room keeps for a client that comes back. */
    static final int HISTORY = 1000;

    /** Builds the messages; safe to share between threads. */
    private final ChatJson json = new ChatJson(ServerConfig.JsonRecycler.SHARED);

    @Override
    public void join(ChatMember member, String room, String name, long after, JsonNode id) {
        // TODO 1: add member to room under name (a room starts existing when first joined).
        // TODO 2: deliver json.joined(room, name, members, gap) to member; gap is true when
        //         after >= 0 and messages numbered above after are no longer kept.
        // TODO 3: when after >= 0, deliver the kept messages numbered above after, oldest first.
        // TODO 4: deliver json.presence(room, name, "join", members) to the room's other members;
        //         a member that joins again is renamed and replayed, without presence.
        throw new UnsupportedOperationException("join is not written yet (TODO 1 to 4)");
    }

    @Override
    public void leave(ChatMember member, String room, JsonNode id) {
        // TODO 5: remove member; deliver json.left(room, members) to it and
        //         json.presence(room, name, "leave", members) to the others.
        //         Not a member: deliver json.notJoined(room, id).
        throw new UnsupportedOperationException("leave is not written yet (TODO 5)");
    }

    @Override
    public void say(ChatMember member, String room, String text, String id) {
        // TODO 6: the next seq of the room (1, 2, 3, ... without gaps), the message as
        //         json.message(room, from, text, id, seq, System.currentTimeMillis()),
        //         kept (at most HISTORY per room) and delivered to every member, the sender included.
        //         Every member must receive a room's messages in seq order, whatever thread says what.
        //         Not a member: deliver json.notJoined(room, id == null ? null : TextNode.valueOf(id)).
        throw new UnsupportedOperationException("say is not written yet (TODO 6)");
    }

    @Override
    public void disconnect(ChatMember member, Iterable<String> rooms) {
        // TODO 7: the connection is gone: it leaves these rooms (the others see presence leave)
        //         and receives nothing more.
        throw new UnsupportedOperationException("disconnect is not written yet (TODO 7)");
    }

    @Override
    public ChatJson json() {
        return json;
    }

    @Override
    public String brokerUrl() {
        return null; // the rooms live in this process
    }

    @Override
    public boolean brokerUp() {
        return true;
    }

    @Override
    public void close() {
        // nothing to release
    }
}
