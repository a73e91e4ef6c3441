package chatlab.protocol.chat;

import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.ServerContext;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

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

    private static final String[] NO_ROOMS = {};

    private final Rooms hub;
    private final ChatJson json;
    private final ChatMember self;
    private final ServerConfig config;
    private final LabRunner lab;
    private final Runnable onError;
    /**
     * Rooms this connection asked to join and has not left, in join order, so that a disconnect
     * can leave them all: the first {@link #roomCount} entries. A join the broker refused
     * ({@code unavailable}) stays here: the rooms answer a later {@code say} or {@code leave} for
     * it with {@code not_joined}, and a new join may retry it. A plain array, searched from the
     * start, because a connection is in one room or a few (at most {@value #MAX_ROOMS}) and every
     * idle connection keeps it: a hash set would cost some two hundred bytes for one name.
     */
    private String[] rooms = NO_ROOMS;
    private int roomCount;

    /** The chat of one connection of the server {@code context}; {@code self} receives its answers. */
    public ChatSession(ServerContext context, ChatMember self, LabRunner lab) {
        this(context.hub(), self, context.config(), lab, context.counters().appErrorCounter());
    }

    /**
     * @param onError called once per {@code error} answered, for the server's counters
     */
    public ChatSession(Rooms hub, ChatMember self, ServerConfig config, LabRunner lab, Runnable onError) {
        this.hub = hub;
        this.json = hub.json();
        this.self = self;
        this.config = config;
        this.lab = lab;
        this.onError = onError;
    }

    /** Handles one text message from the client (a WebSocket text frame). */
    public void onText(String text) {
        JsonNode message;
        try {
            message = json.parse(text);
        } catch (JsonProcessingException e) {
            message = null;
        }
        onMessage(message);
    }

    /** The same, for a text frame's payload as it came (UTF-8, already validated): parsed without making a String of it first. */
    public void onText(byte[] utf8) {
        JsonNode message;
        try {
            message = json.parse(utf8);
        } catch (IOException e) {
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
        hub.disconnect(self, List.of(Arrays.copyOf(rooms, roomCount)));
        rooms = NO_ROOMS;
        roomCount = 0;
    }

    private void join(JsonNode message, JsonNode id) {
        String room = room(message, id);
        if (room == null) return;
        JsonNode nameNode = message.get("name");
        if (nameNode == null || !nameNode.isTextual() || !isValidName(nameNode.asText())) {
            error("bad_name", "name must be 1 to " + MAX_NAME_CHARS + " characters, no control characters", id);
            return;
        }
        boolean member = isIn(room);
        if (!member && roomCount >= MAX_ROOMS) {
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
        if (!member) addRoom(room);
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
        if (!isIn(room)) {
            onError.run();
            self.deliver(json.notJoined(room, id));
            return;
        }
        hub.say(self, room, text, clientId);
    }

    private void leave(JsonNode message, JsonNode id) {
        String room = room(message, id);
        if (room == null) return;
        if (!removeRoom(room)) {
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
            ObjectNode answer = json.object(type.equals("compute") ? "computed" : "slept");
            if (id != null) answer.set("id", id);
            answer.put("millis", millis);
            answer.put("thread", threadName());
            return json.outbound(answer);
        }, self);
    }

    private String room(JsonNode message, JsonNode id) {
        JsonNode node = message.get("room");
        if (node == null || !node.isTextual() || !isValidRoom(node.asText())) {
            error("bad_room", "room must match [A-Za-z0-9_.-]{1,64}", id);
            return null;
        }
        return node.asText();
    }

    private void error(String code, String reason, JsonNode id) {
        onError.run();
        self.deliver(json.error(code, reason, id));
    }

    private boolean isIn(String room) {
        for (int i = 0; i < roomCount; i++) {
            if (rooms[i].equals(room)) return true;
        }
        return false;
    }

    private void addRoom(String room) {
        if (roomCount == rooms.length) rooms = Arrays.copyOf(rooms, Math.max(1, Math.min(MAX_ROOMS, roomCount * 2)));
        rooms[roomCount++] = room;
    }

    private boolean removeRoom(String room) {
        for (int i = 0; i < roomCount; i++) {
            if (rooms[i].equals(room)) {
                System.arraycopy(rooms, i + 1, rooms, i, roomCount - i - 1);
                rooms[--roomCount] = null;
                return true;
            }
        }
        return false;
    }

    /** {@code [A-Za-z0-9_.-]{1,64}}, checked by hand: every {@code say} names its room, and a regex match allocates. */
    static boolean isValidRoom(String room) {
        int length = room.length();
        if (length < 1 || length > 64) return false;
        for (int i = 0; i < length; i++) {
            char c = room.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
            if (!ok) return false;
        }
        return true;
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
