package chatlab.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A parsed {@code --broker} URL: {@code redis://[:PASSWORD@]HOST[:PORT][?name=value&...]}, the
 * port 6379 by default. The query may tune what the contract leaves to the server, all in
 * milliseconds; the defaults keep the contract's promise that a dead server's members leave
 * within 30 s ({@code presenceTtlMillis + heartbeatMillis}):
 *
 * <ul>
 *   <li>{@code heartbeatMillis} (5000): how often a server refreshes its members' presence;
 *   <li>{@code presenceTtlMillis} (20000): how long a member stays present without a refresh;
 *   <li>{@code timeoutMillis} (2000): how long a command may take before the broker counts as
 *       unreachable and {@code join} and {@code say} answer {@code unavailable}.
 * </ul>
 */
record BrokerUrl(String host, int port, String password, Duration heartbeat, Duration presenceTtl, Duration timeout) {

    static final int DEFAULT_PORT = 6379;

    static BrokerUrl parse(URI uri) {
        if (!"redis".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("broker must look like redis://HOST:PORT, not '" + uri + "'");
        }
        String password = null;
        if (uri.getUserInfo() != null) {
            String info = uri.getUserInfo();
            password = info.substring(info.indexOf(':') + 1);
        }
        Map<String, String> query = new HashMap<>();
        if (uri.getQuery() != null) {
            for (String pair : uri.getQuery().split("&")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("broker URL parameter '" + pair + "' is not name=value");
                query.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        Duration heartbeat = millis(query.remove("heartbeatMillis"), 5_000);
        Duration ttl = millis(query.remove("presenceTtlMillis"), 20_000);
        Duration timeout = millis(query.remove("timeoutMillis"), 2_000);
        if (!query.isEmpty()) {
            throw new IllegalArgumentException("unknown broker URL parameters " + query.keySet()
                    + "; known: heartbeatMillis, presenceTtlMillis, timeoutMillis");
        }
        if (ttl.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("presenceTtlMillis must be at least twice heartbeatMillis, so that one late heartbeat does not make members leave");
        }
        return new BrokerUrl(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), password, heartbeat, ttl, timeout);
    }

    /** What {@code /stats} and the log show: no password, no parameters. */
    String display() {
        return "redis://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static Duration millis(String value, long fallback) {
        if (value == null) return Duration.ofMillis(fallback);
        try {
            long v = Long.parseLong(value);
            if (v <= 0) throw new NumberFormatException();
            return Duration.ofMillis(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("broker URL parameter must be a positive number of milliseconds: " + value);
        }
    }
}
