package chatlab.protocol.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The {@code name=value&...} query of a request target, percent-decoded (the first of a repeated name wins). */
public final class QueryString {

    private QueryString() {}

    /** @throws HttpException 400 for a malformed percent-escape */
    public static Map<String, String> parse(String query) throws HttpException {
        Map<String, String> values = new HashMap<>();
        if (query.isEmpty()) return values;
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                values.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new HttpException(400, "malformed query: bad percent-escape");
            }
        }
        return values;
    }
}
