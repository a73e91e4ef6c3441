package chatlab.protocol.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The chat's JSON: one shared, thread-safe {@link ObjectMapper}, and the server's messages built in one place. */
public final class ChatJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private ChatJson() {}

    public static ObjectNode object(String type) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", type);
        return node;
    }

    public static String write(JsonNode node) {
        return node.toString();
    }

    public static JsonNode parse(String text) throws com.fasterxml.jackson.core.JsonProcessingException {
        return MAPPER.readTree(text);
    }

    /**
     * A room message's JSON up to its number: {@code {"type":"message",...,"seq":} without the
     * number and the closing brace, which whoever numbers it appends ({@code prefix + seq + "}"}).
     * A broker numbers a message in one atomic step, so it is built before its {@code seq} is known.
     */
    public static String messageUpToSeq(String room, String from, String text, String id, long ts) {
        ObjectNode message = object("message");
        message.put("room", room);
        message.put("from", from);
        message.put("text", text);
        if (id != null) message.put("id", id);
        message.put("ts", ts);
        String json = write(message);
        return json.substring(0, json.length() - 1) + ",\"seq\":";
    }

    /** {@code joined}, to the joiner; {@code gap} only when true. */
    public static Outbound joined(String room, String name, long members, boolean gap) {
        ObjectNode joined = object("joined");
        joined.put("room", room);
        joined.put("name", name);
        joined.put("members", members);
        if (gap) joined.put("gap", true);
        return new Outbound(write(joined));
    }

    /** {@code left}, to the member that left. */
    public static Outbound left(String room, long members) {
        ObjectNode left = object("left");
        left.put("room", room);
        left.put("members", members);
        return new Outbound(write(left));
    }

    /** {@code presence}, to the room's other members; {@code event} is {@code join} or {@code leave}. */
    public static Outbound presence(String room, String name, String event, long members) {
        ObjectNode node = object("presence");
        node.put("room", room);
        node.put("name", name);
        node.put("event", event);
        node.put("members", members);
        return new Outbound(write(node));
    }

    /** The {@code not_joined} answer to a {@code say} or {@code leave} for a room the connection is not in. */
    public static Outbound notJoined(String room, JsonNode id) {
        return error("not_joined", "join " + room + " first", id);
    }

    /** {@code {"type":"error","code":..,"reason":..,"id":..}}, the id echoed when the request had one. */
    public static Outbound error(String code, String reason, JsonNode id) {
        ObjectNode node = object("error");
        node.put("code", code);
        node.put("reason", reason);
        if (id != null && !id.isNull()) node.set("id", id);
        return new Outbound(write(node));
    }
}
