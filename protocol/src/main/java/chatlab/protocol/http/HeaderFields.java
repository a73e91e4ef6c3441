package chatlab.protocol.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The header section of an HTTP/1.1 message (RFC 9112 5), for requests and responses alike: field
 * lines {@code name: value}, names in any case, a repeated field keeping every value in order.
 */
public final class HeaderFields {

    private HeaderFields() {}

    /**
     * The field lines of a head split into lines, from {@code lines[1]} (the first is the request
     * or status line); empty lines are skipped.
     *
     * @return names in lower case to their values
     * @throws IllegalArgumentException "malformed header line" for a line without a name and colon,
     *                                  or one that starts with white space (obsolete line folding)
     */
    public static Map<String, List<String>> parse(String[] lines) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) continue;
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new IllegalArgumentException("malformed header line");
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(name, k -> new ArrayList<>(1)).add(line.substring(colon + 1).trim());
        }
        return headers;
    }

    /** The first value of a field (name in any case), or null. */
    public static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Every value of a field joined with commas, as RFC 9110 5.3 allows, or null. */
    public static String joined(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : String.join(",", values);
    }
}
