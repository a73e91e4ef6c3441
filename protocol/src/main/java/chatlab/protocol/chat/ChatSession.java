package chatlab.protocol.chat;

import chatlab.protocol.server.ServerConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One connection's side of the chat: it reads the client's JSON messages, checks them against
 * PROTOCOL.md's limits, and turns them into {@link Rooms} calls (the server's own {@link ChatHub},
 * or rooms shared through a broker). Bad input is answered with an {@code error} message and the
 * connection stays open; the rooms answer the rest, possibly later.
 *
 * <p>Not thread-safe: whatever the model, one thread at a time handles a connection's input
 * (its reader thread, or the event loop; an HTTP session serializes its requests' input itself).
 */
public final class ChatSession {

    public static final int MAX_ROOMS = 64;
    public static final int MAX_TEXT_CHARS = 4096;
    public static final int MAX_ID_CHARS = 64;
    public static final int MAX_NAME_CHARS = 32;
    public static final int MAX_LAB_MILLIS = 5000;
    private static final Pattern ROOM = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final Rooms hub;
    private final ChatMember self;
    private final ServerConfig config;
    private final LabRunner lab;
    private final Runnable onError;
    /**
     * Rooms this connection asked to join and has not left, so that a disconnect can leave them
     * all. A join the broker refused ({@code unavailable}) stays here: the rooms answer a later
     * {@code say} or {@code leave} for it with {@code not_joined}, and a new join may retry it.
     */
    private final Set<String> rooms = new LinkedHashSet<>();

    /**
     * @param onError called once per {@code error} answered, for the server's counters
     */
    public ChatSession(Rooms hub, ChatMember self, ServerConfig config, LabRunner lab, Runnable onError) {
        this.hub = hub;
        this.self = self;
        this.config = config;
        this.lab = lab;
        this.onError = onError;
    }

    /** Handles one text message from the client (a WebSocket text frame). */
    public void onText(String text) {
        JsonNode message;
        try {
            message = ChatJson.parse(text);
        } catch (JsonProcessingException e) {
            message = null;
        }
        onMessage(message);
    }

    /** Handles one message already parsed (an element of an HTTP {@code /send} body); null when it was not JSON. */
    public void onMessage(JsonNode message) {
        if (config.faults().delayMillis() > 0) {
            sleepQuietly(config.faults().delayMillis());
        }
        if (message == null || !message.isObject()) {
            error("bad_json", "not a JSON object", null);
            return;
        }
        JsonNode id = message.get("id");
        String type = message.path("type").isTextual() ? message.get("type").asText() : null;
        if (type == null) {
            error("unknown_type", "missing type", id);
            return;
        }
        switch (type) {
            case "join" -> join(message, id);
            case "say" -> say(message, id);
            case "leave" -> leave(message, id);
            case "compute", "sleep" -> {
                if (config.lab()) labWork(type, message, id);
                else error("unknown_type", "unknown type '" + type + "' (lab messages need --lab)", id);
            }
            default -> error("unknown_type", "unknown type '" + abbreviate(type) + "'", id);
        }
    }

    /** The connection is gone: leave every room it was in. */
    public void onDisconnect() {
        hub.disconnect(self, rooms);
        rooms.clear();
    }

    private void join(JsonNode message, JsonNode id) {
        String room = room(message, id);
        if (room == null) return;
        JsonNode nameNode = message.get("name");
        if (nameNode == null || !nameNode.isTextual() || !isValidName(nameNode.asText())) {
            error("bad_name", "name must be 1 to " + MAX_NAME_CHARS + " characters, no control characters", id);
            return;
        }
        if (!rooms.contains(room) && rooms.size() >= MAX_ROOMS) {
            error("too_many_rooms", "at most " + MAX_ROOMS + " rooms per connection", id);
            return;
        }
        long after = -1;
        JsonNode afterNode = message.get("after");
        if (afterNode != null && !afterNode.isNull()) {
            if (!afterNode.canConvertToLong() || !afterNode.isIntegralNumber() || afterNode.asLong() < 0) {
                error("bad_json", "after must be a number >= 0", id);
                return;
            }
            after = afterNode.asLong();
        }
        rooms.add(room);
        hub.join(self, room, nameNode.asText(), after, id);
    }

    private void say(JsonNode message, JsonNode id) {
        String room = room(message, id);
        if (room == null) return;
        JsonNode textNode = message.get("text");
        if (textNode == null || !textNode.isTextual()) {
            error("bad_json", "say needs a text string", id);
            return;
        }
        String text = textNode.asText();
        if (text.codePointCount(0, text.length()) > MAX_TEXT_CHARS) {
            error("too_long", "text over " + MAX_TEXT_CHARS + " characters", id);
            return;
        }
        String clientId = null;
        if (id != null && !id.isNull()) {
            if (!id.isTextual()) {
                error("bad_json", "id must be a string", id);
                return;
            }
            clientId = id.asText();
            if (clientId.length() > MAX_ID_CHARS) {
                error("too_long", "id over " + MAX_ID_CHARS + " characters", id);
                return;
            }
        }
        if (!rooms.contains(room)) {
            onError.run();
            self.deliver(ChatJson.notJoined(room, id));
            return;
        }
        hub.say(self, room, text, clientId);
    }

    private void leave(JsonNode message, JsonNode id) {
        String room = room(message, id);
        if (room == null) return;
        if (!rooms.remove(room)) {
            error("not_joined", "not in " + room, id);
            return;
        }
        hub.leave(self, room, id);
    }

    private void labWork(String type, JsonNode message, JsonNode id) {
        JsonNode millisNode = message.get("millis");
        if (millisNode == null || !millisNode.isIntegralNumber() || millisNode.asLong() < 0 || millisNode.asLong() > MAX_LAB_MILLIS) {
            error("bad_json", "millis must be a whole number from 0 to " + MAX_LAB_MILLIS, id);
            return;
        }
        int millis = millisNode.asInt();
        lab.run(() -> {
            if (type.equals("compute")) CpuWork.burn(millis);
            else sleepQuietly(millis);
            ObjectNode answer = ChatJson.object(type.equals("compute") ? "computed" : "slept");
            if (id != null) answer.set("id", id);
            answer.put("millis", millis);
            answer.put("thread", threadName());
            return new Outbound(ChatJson.write(answer));
        }, self);
    }

    private String room(JsonNode message, JsonNode id) {
        JsonNode node = message.get("room");
        if (node == null || !node.isTextual() || !ROOM.matcher(node.asText()).matches()) {
            error("bad_room", "room must match [A-Za-z0-9_.-]{1,64}", id);
            return null;
        }
        return node.asText();
    }

    private void error(String code, String reason, JsonNode id) {
        onError.run();
        self.deliver(ChatJson.error(code, reason, id));
    }

    static boolean isValidName(String name) {
        int length = name.codePointCount(0, name.length());
        if (length < 1 || length > MAX_NAME_CHARS) return false;
        return name.codePoints().noneMatch(Character::isISOControl);
    }

    private static String abbreviate(String s) {
        return s.length() > 32 ? s.substring(0, 32) + "..." : s;
    }

    private static String threadName() {
        Thread t = Thread.currentThread();
        return t.isVirtual() ? "virtual:" + t.threadId() + (t.getName().isEmpty() ? "" : ":" + t.getName()) : t.getName();
    }

    private static void sleepQuietly(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
