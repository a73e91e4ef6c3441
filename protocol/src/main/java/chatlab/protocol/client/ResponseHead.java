package chatlab.protocol.client;

import chatlab.protocol.http.HeaderFields;
import java.util.List;
import java.util.Map;

/**
 * A parsed HTTP/1.1 response head, as a client reads it.
 *
 * @param headers header names in lower case; a repeated header keeps every value, in order
 * @param bytes   the head's length on the wire, blank line included
 */
public record ResponseHead(String version, int status, String reason, Map<String, List<String>> headers, int bytes) {

    /** The first value of a header (name in any case), or null. */
    public String header(String name) {
        return HeaderFields.first(headers, name);
    }

    /** Every value of a header joined with commas, as RFC 9110 5.3 allows, or null. */
    public String headerJoined(String name) {
        return HeaderFields.joined(headers, name);
    }

    /** Whether a comma-separated header holds {@code token}, in any case ({@code Connection: close}). */
    public boolean hasToken(String name, String token) {
        String value = headerJoined(name);
        if (value == null) return false;
        for (String part : value.split(",")) {
            if (part.trim().equalsIgnoreCase(token)) return true;
        }
        return false;
    }
}
