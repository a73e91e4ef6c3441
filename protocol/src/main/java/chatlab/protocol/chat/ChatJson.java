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

    /** {@code {"type":"error","code":..,"reason":..,"id":..}}, the id echoed when the request had one. */
    public static Outbound error(String code, String reason, JsonNode id) {
        ObjectNode node = object("error");
        node.put("code", code);
        node.put("reason", reason);
        if (id != null && !id.isNull()) node.set("id", id);
        return new Outbound(write(node));
    }
}
