package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/** JSON for the tests: parsing what servers send, and building the chat messages of PROTOCOL.md. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError("server sent text that is not JSON: " + abbreviate(text), e);
        }
    }

    /** An object from alternating names and values (String, Number, Boolean). */
    static String object(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must alternate");
        }
        ObjectNode node = MAPPER.createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String name = (String) namesAndValues[i];
            Object value = namesAndValues[i + 1];
            switch (value) {
                case null -> node.putNull(name);
                case String s -> node.put(name, s);
                case Integer n -> node.put(name, n);
                case Long n -> node.put(name, n);
                case Boolean b -> node.put(name, b);
                default -> throw new IllegalArgumentException("unsupported value " + value.getClass());
            }
        }
        return node.toString();
    }

    static String join(String room, String name) {
        return object("type", "join", "room", room, "name", name);
    }

    static String joinAfter(String room, String name, long after) {
        return object("type", "join", "room", room, "name", name, "after", after);
    }

    static String say(String room, String text, String id) {
        return id == null
                ? object("type", "say", "room", room, "text", text)
                : object("type", "say", "room", room, "text", text, "id", id);
    }

    static String leave(String room) {
        return object("type", "leave", "room", room);
    }

    /** PROTOCOL.md's error answer on the HTTP transports: {@code application/json}, {@code {"error":"..."}}. */
    static void assertError(String contentType, String body) {
        assertTrue(contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/json"),
                "error Content-Type: " + contentType);
        JsonNode parsed = parse(body);
        assertTrue(parsed.path("error").isTextual() && !parsed.get("error").asText().isBlank(),
                "a JSON error body: " + body);
    }

    static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "... (" + text.length() + " chars)";
    }
}
