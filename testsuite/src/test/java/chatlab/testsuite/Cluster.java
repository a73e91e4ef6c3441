package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.server.ServerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the cluster tests share: servers of any model joined to one real Redis, and the checks
 * that a room's messages reached every member once, in order, numbered alike everywhere.
 */
final class Cluster {

    /**
     * The default presence settings (a member stays 20 s without a heartbeat: a late heartbeat on
     * a loaded machine causes no stray presence), and a command timeout that a Redis starved of
     * CPU by other jobs on the machine does not reach.
     */
    static final String STEADY = "timeoutMillis=10000";

    /** Short presence settings, so that a dead server's members leave in seconds, not the contract's 30 s. */
    static final String FAST = "heartbeatMillis=500&presenceTtlMillis=3000&timeoutMillis=10000";

    /** Long enough for a reconnect with backoff on a loaded machine. */
    static final Duration RECOVERY = Duration.ofSeconds(30);

    private Cluster() {}

    /** A room name no other test uses (they share one Redis). */
    static String room(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** An in-process server of {@code model} on {@code redis}. */
    static TestServer server(String model, RedisServer redis) {
        return server(model, redis, STEADY);
    }

    /** An in-process server of {@code model} on {@code redis}, with these broker URL parameters. */
    static TestServer server(String model, RedisServer redis, String query) {
        return TestServer.start(model, ServerConfig.defaults().withBroker(redis.url(query)));
    }

    /** Joins and waits for {@code joined}, which it returns. */
    static JsonNode join(WsClient client, String room, String name) {
        client.send(Json.join(room, name));
        return expectIgnoringPresence(client, "joined");
    }

    /** The next message that is not {@code presence}, waiting up to {@code timeout} for each. */
    static JsonNode nextIgnoringPresence(WsClient client, Duration timeout) {
        while (true) {
            WsClient.Event event = client.next(timeout);
            assertTrue(event instanceof WsClient.Text, client + ": expected a text message, got " + event);
            JsonNode json = Json.parse(((WsClient.Text) event).text());
            if (!"presence".equals(json.path("type").asText())) return json;
        }
    }

    /** The next message that is not {@code presence}, which must be of this type. */
    static JsonNode expectIgnoringPresence(WsClient client, String type) {
        JsonNode json = client.nextIgnoringPresence();
        assertEquals(type, json.path("type").asText(), client + ": expected '" + type + "', got " + json);
        return json;
    }

    static void awaitBrokerUp(TestServer server, boolean up) {
        if (up) server.awaitCounter("brokerUp", s -> s.brokerUp() ? 1 : 0, 1, RECOVERY);
        else server.awaitCounterAtMost("brokerUp", s -> s.brokerUp() ? 1 : 0, 0, RECOVERY);
    }

    /**
     * Reads {@code count} room messages (presence aside) and checks that their {@code seq} runs
     * {@code firstSeq}, {@code firstSeq + 1}, ... with no gap, repeat or reordering, and that each
     * sender's ids ({@code SENDER-N}) come in the order it sent them.
     *
     * @return seq to "from/id", for comparing what every member received
     */
    static Map<Long, String> receive(WsClient client, String room, long firstSeq, int count) {
        Map<Long, String> bySeq = new HashMap<>();
        Map<String, Integer> nextBySender = new HashMap<>();
        for (int i = 0; i < count; i++) {
            JsonNode message = expectIgnoringPresence(client, "message");
            assertEquals(room, message.path("room").asText(), client + ": " + message);
            assertEquals(firstSeq + i, message.path("seq").asLong(), client + ": seq in order, no gap, no repeat: " + message);
            String id = message.path("id").asText();
            int dash = id.lastIndexOf('-');
            if (dash > 0) {
                String sender = id.substring(0, dash);
                int n = Integer.parseInt(id.substring(dash + 1));
                Integer due = nextBySender.get(sender);
                if (due != null) assertEquals(due, n, client + ": " + sender + "'s messages in its order: " + message);
                nextBySender.put(sender, n + 1);
            }
            bySeq.put(message.path("seq").asLong(), message.path("from").asText() + "/" + id);
        }
        return bySeq;
    }

    /** Every member saw the same message under each seq. */
    static void assertSameEverywhere(List<WsClient> clients, List<Map<Long, String>> received) {
        for (int i = 1; i < received.size(); i++) {
            assertEquals(received.get(0), received.get(i),
                    clients.get(i) + " numbered the room's messages differently from " + clients.get(0));
        }
    }

    /** Sends {@code perClient} messages from every client, interleaved, ids {@code NAME-N}. */
    static void sayFromAll(List<WsClient> clients, List<String> names, String room, int perClient) {
        for (int n = 0; n < perClient; n++) {
            for (int c = 0; c < clients.size(); c++) {
                clients.get(c).send(Json.say(room, "m" + n + " from " + names.get(c), names.get(c) + "-" + n));
            }
        }
    }

    static List<String> names(String prefix, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) names.add(prefix + i);
        return names;
    }

    static void assertUnavailable(JsonNode error, String id) {
        assertEquals("error", error.path("type").asText(), "expected an error: " + error);
        assertEquals("unavailable", error.path("code").asText(), "expected unavailable: " + error);
        assertEquals(id, error.path("id").asText(), "the id is echoed: " + error);
        assertTrue(error.path("reason").isTextual(), "a reason: " + error);
    }
}
