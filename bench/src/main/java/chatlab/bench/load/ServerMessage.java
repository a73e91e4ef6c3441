package chatlab.bench.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The fields of a server's chat message the generator looks at (PROTOCOL.md): its {@code type},
 * the {@code id} the sender gave it, the room's {@code seq}, an error's {@code code}, and the
 * {@code thread} that did a lab message's work. Read with Jackson's streaming parser, which skips
 * the rest without building a tree.
 */
record ServerMessage(String type, String id, long seq, String code, String thread) {

    private static final JsonFactory JSON = new JsonFactory();

    /** @throws IOException when the payload is not a JSON object */
    static ServerMessage parse(byte[] payload) throws IOException {
        try (JsonParser parser = JSON.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) throw new IOException("not a JSON object");
            return read(parser);
        }
    }

    /** Reads the object {@code parser} has just entered (its current token is START_OBJECT), to its end. */
    static ServerMessage read(JsonParser parser) throws IOException {
        String type = null;
        String id = null;
        String code = null;
        String thread = null;
        long seq = -1;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "type" -> type = parser.getText();
                case "id" -> id = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                case "seq" -> seq = value.isNumeric() ? parser.getLongValue() : -1;
                case "code" -> code = parser.getText();
                case "thread" -> thread = parser.getText();
                default -> parser.skipChildren();
            }
        }
        return new ServerMessage(type, id, seq, code, thread);
    }
}
