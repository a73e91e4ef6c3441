package chatlab.testsuite;

import static chatlab.testsuite.WsClient.Kind.JAVA_WEBSOCKET;
import static chatlab.testsuite.WsClient.Kind.JETTY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Timeout;

/** History and resume: {@code join} with {@code after}, the last 1000 messages, and {@code gap}. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HistoryTest {

    @AllModels
    void joinAfterResendsWhatFollowsN(String model) {
        try (TestServer server = TestServer.start(model);
             WsClient alice = WsClient.connect(JAVA_WEBSOCKET, server.ws("/ws"));
             WsClient bob = WsClient.connect(JETTY, server.ws("/ws"));
             WsClient carol = WsClient.connect(JAVA_WEBSOCKET, server.ws("/ws"));
             WsClient dave = WsClient.connect(JETTY, server.ws("/ws"))) {
            alice.send(Json.join("hist", "alice"));
            alice.expect("joined");
            for (int i = 1; i <= 5; i++) {
                alice.send(Json.say("hist", "m" + i, "id-" + i));
                assertEquals(i, alice.nextIgnoringPresence().path("seq").asLong());
            }

            bob.send(Json.joinAfter("hist", "bob", 2));
            assertNoGap(bob.expect("joined"));
            for (int seq = 3; seq <= 5; seq++) {
                JsonNode old = bob.expect("message");
                assertEquals(seq, old.path("seq").asLong(), "history in order, above N: " + old);
                assertEquals("m" + seq, old.path("text").asText(), "history text: " + old);
                assertEquals("id-" + seq, old.path("id").asText(), "history keeps the id: " + old);
                assertEquals("alice", old.path("from").asText(), "history keeps the sender: " + old);
            }
            alice.send(Json.say("hist", "live-6", "id-6"));
            assertEquals(6, bob.expect("message").path("seq").asLong(), "live messages follow the history");
            assertEquals(6, alice.nextIgnoringPresence().path("seq").asLong());

            // Without "after", a join gets no history: the next message is the next live one.
            carol.send(Json.join("hist", "carol"));
            assertNoGap(carol.expect("joined"));
            alice.send(Json.say("hist", "live-7", "id-7"));
            JsonNode live = carol.nextIgnoringPresence();
            assertEquals(7, live.path("seq").asLong(), "a join without after starts with live messages: " + live);
            assertEquals(7, alice.nextIgnoringPresence().path("seq").asLong());

            // After the newest seq: nothing to resend.
            dave.send(Json.joinAfter("hist", "dave", 7));
            assertNoGap(dave.expect("joined"));
            alice.send(Json.say("hist", "live-8", "id-8"));
            assertEquals(8, dave.nextIgnoringPresence().path("seq").asLong(), "after the newest, only live messages");
        }
    }

    @AllModels
    void historyKeepsTheLast1000AndReportsTheGap(String model) {
        int total = 1005;
        try (TestServer server = TestServer.start(model);
             WsClient alice = WsClient.connect(JAVA_WEBSOCKET, server.ws("/ws"))) {
            alice.send(Json.join("long", "alice"));
            alice.expect("joined");
            for (int i = 1; i <= total; i++) {
                alice.send(Json.say("long", "m" + i, "id-" + i));
            }
            for (int i = 1; i <= total; i++) {
                assertEquals(i, alice.expect("message").path("seq").asLong(), "alice's own messages");
            }
            // Kept: 6..1005. after=5 loses nothing; after=4 and after=0 lost message 5 (or more).
            try (WsClient after0 = resume(server, "after0", 0, true, 6, total);
                 WsClient after4 = resume(server, "after4", 4, true, 6, total);
                 WsClient after5 = resume(server, "after5", 5, false, 6, total);
                 WsClient after900 = resume(server, "after900", 900, false, 901, total)) {
                alice.send(Json.say("long", "final", "final"));
                for (WsClient client : java.util.List.of(after0, after4, after5, after900, alice)) {
                    JsonNode next = client.nextIgnoringPresence();
                    assertEquals("final", next.path("text").asText(),
                            client + ": the history ends where live messages begin: " + next);
                    assertEquals(total + 1, next.path("seq").asLong(), client + ": " + next);
                }
            }
        }
    }

    private static WsClient resume(TestServer server, String name, long after, boolean gap, int first, int last) {
        WsClient client = WsClient.connect(JETTY, server.ws("/ws"));
        client.send(Json.joinAfter("long", name, after));
        JsonNode joined = client.expect("joined");
        if (gap) {
            assertTrue(joined.path("gap").asBoolean(false), "join after " + after + " must report gap: " + joined);
        } else {
            assertNoGap(joined);
        }
        for (int seq = first; seq <= last; seq++) {
            JsonNode old = client.nextIgnoringPresence();
            assertEquals(seq, old.path("seq").asLong(), "after " + after + ": history in order: " + old);
            assertEquals("m" + seq, old.path("text").asText(), "history text: " + old);
        }
        return client;
    }

    private static void assertNoGap(JsonNode joined) {
        assertFalse(joined.path("gap").asBoolean(false), "no gap expected: " + joined);
    }
}
