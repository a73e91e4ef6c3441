package chatlab.bench.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code GET /poll} answer (PROTOCOL.md): {@code {"last":L,"messages":[...]}}, with
 * {@code "gap":true} when messages were dropped before the poll took them. Read with Jackson's
 * streaming parser, each message as a {@link ServerMessage}.
 */
record PollAnswer(long last, List<ServerMessage> messages, boolean gap) {

    private static final JsonFactory JSON = new JsonFactory();

    /** @throws IOException when the body is not such an answer */
    static PollAnswer parse(byte[] body) throws IOException {
        long last = -1;
        boolean gap = false;
        List<ServerMessage> messages = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) throw new IOException("poll answer is not a JSON object");
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "last" -> last = value.isNumeric() ? parser.getLongValue() : -1;
                    case "gap" -> gap = value == JsonToken.VALUE_TRUE;
                    case "messages" -> {
                        if (value != JsonToken.START_ARRAY) throw new IOException("poll answer's messages is not an array");
                        while (parser.nextToken() == JsonToken.START_OBJECT) messages.add(ServerMessage.read(parser));
                    }
                    default -> parser.skipChildren();
                }
            }
        }
        if (last < 0) throw new IOException("poll answer without a last");
        return new PollAnswer(last, messages, gap);
    }
}
