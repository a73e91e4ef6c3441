package chatlab.protocol.chat;

import chatlab.protocol.server.ServerCounters;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rooms from elsewhere (a student's, {@link chatlab.protocol.server.ServerConfig#withRooms})
 * with the server's {@code /stats} counting every delivery, as {@link ChatHub} counts its own:
 * each member is handed over as one counting stand-in, the same object for as long as the
 * connection lives, so rooms that tell members apart by identity still can.
 */
final class CountedRooms implements Rooms {

    private final Rooms inner;
    private final ServerCounters counters;
    /** The server's own JSON, which its connections parse with, whatever the inner rooms use. */
    private final ChatJson json;
    /** Each connection's stand-in, from its first call until it disconnects. */
    private final Map<ChatMember, ChatMember> standIns = new ConcurrentHashMap<>();

    CountedRooms(Rooms inner, ServerCounters counters, ChatJson json) {
        this.inner = inner;
        this.counters = counters;
        this.json = json;
    }

    @Override
    public void join(ChatMember member, String room, String name, long after, JsonNode id) {
        inner.join(standIn(member), room, name, after, id);
    }

    @Override
    public void leave(ChatMember member, String room, JsonNode id) {
        inner.leave(standIn(member), room, id);
    }

    @Override
    public void say(ChatMember member, String room, String text, String id) {
        inner.say(standIn(member), room, text, id);
    }

    @Override
    public void disconnect(ChatMember member, Iterable<String> rooms) {
        ChatMember standIn = standIns.remove(member);
        if (standIn != null) inner.disconnect(standIn, rooms);
    }

    @Override
    public String brokerUrl() { return inner.brokerUrl(); }

    @Override
    public ChatJson json() { return json; }

    @Override
    public boolean brokerUp() { return inner.brokerUp(); }

    @Override
    public void close() { inner.close(); }

    private ChatMember standIn(ChatMember member) {
        return standIns.computeIfAbsent(member, m -> message -> {
            counters.messageOut(message.frameLength());
            m.deliver(message);
        });
    }
}
