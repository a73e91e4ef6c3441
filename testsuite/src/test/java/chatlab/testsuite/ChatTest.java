package chatlab.testsuite;

import static chatlab.testsuite.WsClient.Kind.JAVA_WEBSOCKET;
import static chatlab.testsuite.WsClient.Kind.JETTY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.StatsSnapshot;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Timeout;

/**
 * Chat on {@code /ws} (PROTOCOL.md "Chat messages"): join, say, leave, presence, ids, seq,
 * application errors, rooms, disconnects and the lab messages when lab is off. Two client
 * libraries take part in every exchange.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ChatTest {

    @AllModels
    void joinSayLeaveAndPresence(String model) {
        try (TestServer server = TestServer.start(model);
             WsClient alice = WsClient.connect(JAVA_WEBSOCKET, server.ws("/ws"));
             WsClient bob = WsClient.connect(JETTY, server.ws("/ws"))) {
            alice.send(Json.join("lobby", "alice"));
            JsonNode joined = alice.expect("joined");
            assertEquals("lobby", joined.path("room").asText(), "joined.room: " + joined);
            assertEquals("alice", joined.path("name").asText(), "joined.name: " + joined);
            assertEquals(1, joined.path("members").asInt(), "joined.members: " + joined);

            bob.send(Json.join("lobby", "bob"));
            joined = bob.expect("joined");
            assertEquals("bob", joined.path("name").asText(), "joined.name: " + joined);
            assertEquals(2, joined.path("members").asInt(), "joined.members: " + joined);
            JsonNode presence = alice.expect("presence");
            assertEquals("lobby", presence.path("room").asText(), "presence.room: " + presence);
            assertEquals("bob", presence.path("name").asText(), "presence.name: " + presence);
            assertEquals("join", presence.path("event").asText(), "presence.event: " + presence);
            assertEquals(2, presence.path("members").asInt(), "presence.members: " + presence);

            long before = System.currentTimeMillis();
            alice.send(Json.say("lobby", "hello", "c-17"));
            for (WsClient member : List.of(alice, bob)) {
                JsonNode message = member.expect("message");
                assertEquals("lobby", message.path("room").asText(), member + " message.room: " + message);
                assertEquals("alice", message.path("from").asText(), member + " message.from: " + message);
                assertEquals("hello", message.path("text").asText(), member + " message.text: " + message);
                assertEquals("c-17", message.path("id").asText(), member + " message.id: " + message);
                assertEquals(1, message.path("seq").asLong(), member + " message.seq: " + message);
                assertTrue(message.path("ts").isIntegralNumber(), "message.ts: " + message);
                long ts = message.path("ts").asLong();
                assertTrue(ts >= before - 2000 && ts <= System.currentTimeMillis() + 2000,
                        "message.ts is the server clock in epoch ms: " + message);
            }

            bob.send(Json.say("lobby", "hi alice", null));
            for (WsClient member : List.of(alice, bob)) {
                JsonNode message = member.expect("message");
                assertEquals("bob", message.path("from").asText(), "message.from: " + message);
                assertEquals(2, message.path("seq").asLong(), "message.seq: " + message);
                assertTrue(message.path("id").isMissingNode() || message.path("id").isNull(),
                        "no id sent, none echoed: " + message);
            }

            bob.send(Json.leave("lobby"));
            JsonNode left = bob.expect("left");
            assertEquals("lobby", left.path("room").asText(), "left.room: " + left);
            assertEquals(1, left.path("members").asInt(), "left.members: " + left);
            presence = alice.expect("presence");
            assertEquals("bob", presence.path("name").asText(), "presence.name: " + presence);
            assertEquals("leave", presence.path("event").asText(), "presence.event: " + presence);
            assertEquals(1, presence.path("members").asInt(), "presence.members: " + presence);

            alice.send(Json.say("lobby", "alone", "c-19"));
            assertEquals(3, alice.expect("message").path("seq").asLong(), "seq goes on after a leave");
            bob.send(Json.say("lobby", "ghost", "c-18"));
            JsonNode error = bob.expect("error"); // and not alice's "alone": bob left
            assertEquals("not_joined", error.path("code").asText(), "say after leave: " + error);
            assertEquals("c-18", error.path("id").asText(), "error.id: " + error);
        }
    }

    @AllModels
    void idIsCopiedBackUntouched(String model) {
        List<String> ids = List.of("1", "c-17", "send=1763800000000123;seq=9",
                "q\"uote\\back/slash \u00e9\u20ac\u65e5 tab\t", "x".repeat(64),
                ("t1763800000000:" + "\u00e9\u20ac-".repeat(20)).substring(0, 64));
        try (TestServer server = TestServer.start(model);
             WsClient alice = WsClient.connect(JETTY, server.ws("/ws"))) {
            alice.send(Json.join("ids", "alice"));
            alice.expect("joined");
            for (String id : ids) {
                alice.send(Json.say("ids", "text for " + id, id));
                JsonNode message = alice.expect("message");
                assertEquals(id, message.path("id").asText(), "id copied back: " + message);
                assertEquals("text for " + id, message.path("text").asText(), "text: " + message);
            }
        }
    }

    @AllModels
    void seqCountsFromOneWithoutGapsForEveryMember(String model) throws Exception {
        int perSender = 200;
        try (TestServer server = TestServer.start(model);
             WsClient alice = WsClient.connect(JAVA_WEBSOCKET, server.ws("/ws"));
             WsClient bob = WsClient.connect(JETTY, server.ws("/ws"));
             WsClient carol = WsClient.connect(JAVA_WEBSOCKET, server.ws("/ws"))) {
            List<WsClient> members = List.of(alice, bob, carol);
            for (WsClient member : members) {
                member.send(Json.join("seq", "m" + members.indexOf(member)));
                member.expect("joined");
            }
            Thread aliceSends = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < perSender; i++) {
                    alice.send(Json.say("seq", "a" + i, "a-" + i));
                }
            });
            Thread bobSends = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < perSender; i++) {
                    bob.send(Json.say("seq", "b" + i, "b-" + i));
                }
            });
            aliceSends.join();
            bobSends.join();
            for (WsClient member : members) {
                int nextA = 0;
                int nextB = 0;
                for (long seq = 1; seq <= 2L * perSender; seq++) {
                    JsonNode message = member.nextIgnoringPresence();
                    assertEquals("message", message.path("type").asText(), member + ": " + message);
                    assertEquals(seq, message.path("seq").asLong(), member + ": seq without gaps: " + message);
                    String id = message.path("id").asText();
                    if (id.startsWith("a-")) {
                        assertEquals("a-" + nextA++, id, member + ": alice's messages in her order");
                    } else {
                        assertEquals("b-" + nextB++, id, member + ": bob's messages in his order");
                    }
                }
            }
        }
    }

    @AllModels
    void everyErrorEchoesTheIdAndKeepsTheConnection(String model) {
        record Bad(String json, String code, String id) {}
        List<Bad> bad = List.of(
                new Bad("{not json", "bad_json", null),
                new Bad("{\"type\":\"say\",\"room\":\"err\",\"text\":", "bad_json", null),
                new Bad(Json.object("type", "dance", "id", "e-1"), "unknown_type", "e-1"),
                new Bad(Json.object("type", "join", "room", "bad room!", "name", "eve", "id", "e-2"), "bad_room", "e-2"),
                new Bad(Json.object("type", "join", "room", "", "name", "eve", "id", "e-3"), "bad_room", "e-3"),
                new Bad(Json.object("type", "join", "room", "r".repeat(65), "name", "eve", "id", "e-4"), "bad_room", "e-4"),
                new Bad(Json.object("type", "join", "room", "caf\u00e9", "name", "eve", "id", "e-5"), "bad_room", "e-5"),
                new Bad(Json.object("type", "join", "room", "ok", "name", "", "id", "e-6"), "bad_name", "e-6"),
                new Bad(Json.object("type", "join", "room", "ok", "name", "n".repeat(33), "id", "e-7"), "bad_name", "e-7"),
                new Bad(Json.object("type", "join", "room", "ok", "name", "bad\u0001name", "id", "e-8"), "bad_name", "e-8"),
                new Bad(Json.object("type", "join", "room", "ok", "name", "line\nbreak", "id", "e-9"), "bad_name", "e-9"),
                new Bad(Json.say("never-joined", "hello", "e-10"), "not_joined", "e-10"),
                new Bad(Json.say("err", "t".repeat(4097), "e-11"), "too_long", "e-11"));
        try (TestServer server = TestServer.start(model);
             WsClient eve = WsClient.connect(JAVA_WEBSOCKET, server.ws("/ws"))) {
            eve.send(Json.join("err", "eve"));
            eve.expect("joined");
            long seq = 0;
            for (Bad b : bad) {
                eve.send(b.json());
                JsonNode error = eve.expect("error");
                assertEquals(b.code(), error.path("code").asText(), "error code for " + Json.abbreviate(b.json()) + ": " + error);
                assertTrue(error.path("reason").isTextual(), "error.reason: " + error);
                if (b.id() != null) {
                    assertEquals(b.id(), error.path("id").asText(), "error.id echoed: " + error);
                }
                eve.send(Json.say("err", "still here", "ok-" + seq));
                JsonNode message = eve.expect("message");
                assertEquals(++seq, message.path("seq").asLong(), "the connection stays open and joined: " + message);
            }
            // The limits themselves are allowed.
            eve.send(Json.say("err", "t".repeat(4096), "max-text"));
            assertEquals(4096, eve.expect("message").path("text").asText().length(), "4096 characters are allowed");
            String longestRoom = "Az09_.-".repeat(10).substring(0, 64);
            eve.send(Json.join(longestRoom, "n".repeat(32)));
            JsonNode joined = eve.expect("joined");
            assertEquals(longestRoom, joined.path("room").asText(), "a 64-character room is allowed: " + joined);
            assertFalse(eve.isClosed(), "errors never close the connection");
            if (server.isCore()) {
                server.awaitCounter("appErrors", StatsSnapshot::appErrors, bad.size(), Duration.ofSeconds(5));
                assertEquals(0, server.stats().protocolCloses(), "application errors are not protocol closes");
            }
        }
    }

    @AllModels
    void sixtyFiveRoomsAreTooMany(String model) {
        try (TestServer server = TestServer.start(model);
             WsClient client = WsClient.connect(JETTY, server.ws("/ws"))) {
            for (int i = 0; i < 64; i++) {
                client.send(Json.join("room-" + i, "roamer"));
                assertEquals("room-" + i, client.expect("joined").path("room").asText());
            }
            client.send(Json.object("type", "join", "room", "room-64", "name", "roamer", "id", "j-65"));
            JsonNode error = client.expect("error");
            assertEquals("too_many_rooms", error.path("code").asText(), "65th room: " + error);
            assertEquals("j-65", error.path("id").asText(), "error.id: " + error);
            client.send(Json.leave("room-0"));
            client.expect("left");
            client.send(Json.join("room-64", "roamer"));
            assertEquals("room-64", client.expect("joined").path("room").asText(), "after a leave there is room again");
        }
    }

    @AllModels
    void roomsAreIsolated(String model) {
        try (TestServer server = TestServer.start(model);
             WsClient alice = WsClient.connect(JAVA_WEBSOCKET, server.ws("/ws"));
             WsClient bob = WsClient.connect(JETTY, server.ws("/ws"));
             WsClient carol = WsClient.connect(JAVA_WEBSOCKET, server.ws("/ws"))) {
            alice.send(Json.join("red", "alice"));
            alice.expect("joined");
            bob.send(Json.join("blue", "bob"));
            bob.expect("joined");
            carol.send(Json.join("red", "carol"));
            carol.expect("joined");
            carol.send(Json.join("blue", "carol"));
            carol.expect("joined");

            alice.send(Json.say("red", "r1", "r1"));
            bob.send(Json.say("blue", "b1", "b1"));
            JsonNode a = nextIn(alice, "red");
            assertEquals("r1", a.path("text").asText());
            assertEquals(1, a.path("seq").asLong(), "each room counts from 1");
            JsonNode b = nextIn(bob, "blue");
            assertEquals("b1", b.path("text").asText());
            assertEquals(1, b.path("seq").asLong(), "each room counts from 1");
            Set<String> carolGot = new HashSet<>();
            for (int i = 0; i < 2; i++) {
                JsonNode message = carol.expect("message");
                carolGot.add(message.path("room").asText() + ":" + message.path("text").asText() + ":" + message.path("seq").asLong());
            }
            assertEquals(Set.of("red:r1:1", "blue:b1:1"), carolGot, "a member of both rooms gets both");

            // The next thing each single-room member sees is its own room's next message.
            alice.send(Json.say("red", "r2", "r2"));
            bob.send(Json.say("blue", "b2", "b2"));
            assertEquals("r2", nextIn(alice, "red").path("text").asText(), "alice never sees blue");
            assertEquals("b2", nextIn(bob, "blue").path("text").asText(), "bob never sees red");
        }
    }

    /** The next message, after presence events, all of which must belong to this room. */
    private static JsonNode nextIn(WsClient client, String room) {
        while (true) {
            JsonNode json = client.nextJson();
            assertEquals(room, json.path("room").asText(), client + " got something from another room: " + json);
            if (!"presence".equals(json.path("type").asText())) {
                assertEquals("message", json.path("type").asText(), client + ": " + json);
                return json;
            }
        }
    }

    @AllModels
    void closingLeavesEveryRoom(String model) {
        try (TestServer server = TestServer.start(model);
             WsClient alice = WsClient.connect(JAVA_WEBSOCKET, server.ws("/ws"))) {
            alice.send(Json.join("one", "alice"));
            alice.expect("joined");
            alice.send(Json.join("two", "alice"));
            alice.expect("joined");
            try (WsClient bob = WsClient.connect(JETTY, server.ws("/ws"))) {
                bob.send(Json.join("one", "bob"));
                bob.expect("joined");
                bob.send(Json.join("two", "bob"));
                bob.expect("joined");
                assertEquals("join", alice.expect("presence").path("event").asText());
                assertEquals("join", alice.expect("presence").path("event").asText());
                bob.close(1000, "bye");
                bob.awaitClose(WsClient.WAIT);
            }
            Set<String> leaves = new HashSet<>();
            for (int i = 0; i < 2; i++) {
                JsonNode presence = alice.expect("presence");
                assertEquals("leave", presence.path("event").asText(), "presence after bob closed: " + presence);
                assertEquals("bob", presence.path("name").asText(), "presence.name: " + presence);
                assertEquals(1, presence.path("members").asInt(), "presence.members: " + presence);
                leaves.add(presence.path("room").asText());
            }
            assertEquals(Set.of("one", "two"), leaves, "bob left both rooms");
        }
    }

    @AllModels
    void droppedConnectionLeavesItsRooms(String model) throws Exception {
        try (TestServer server = TestServer.start(model);
             WsClient alice = WsClient.connect(JETTY, server.ws("/ws"))) {
            alice.send(Json.join("drop", "alice"));
            alice.expect("joined");
            try (RawWebSocket mallory = RawWebSocket.connect(server, "/ws")) {
                mallory.sendText(Json.join("drop", "mallory"));
                RawFrame joined = mallory.read(WsClient.WAIT);
                assertEquals("joined", Json.parse(joined.text()).path("type").asText(), "raw join: " + joined.text());
                assertEquals("join", alice.expect("presence").path("event").asText());
                mallory.socket.setSoLinger(true, 0); // close with a reset, no close frame
            }
            JsonNode presence = alice.expect("presence");
            assertEquals("leave", presence.path("event").asText(), "presence after the reset: " + presence);
            assertEquals("mallory", presence.path("name").asText(), "presence.name: " + presence);
            alice.send(Json.say("drop", "still fine", "s"));
            assertEquals("still fine", alice.expect("message").path("text").asText());
        }
    }

    @AllModels
    void labMessagesAreUnknownWhenLabIsOff(String model) {
        try (TestServer server = TestServer.start(model);
             WsClient client = WsClient.connect(JAVA_WEBSOCKET, server.ws("/ws"))) {
            client.send(Json.object("type", "compute", "millis", 50, "id", "c-9"));
            JsonNode error = client.expect("error");
            assertEquals("unknown_type", error.path("code").asText(), "compute without lab: " + error);
            assertEquals("c-9", error.path("id").asText(), "error.id: " + error);
            client.send(Json.object("type", "sleep", "millis", 50, "id", "c-10"));
            error = client.expect("error");
            assertEquals("unknown_type", error.path("code").asText(), "sleep without lab: " + error);
            assertEquals("c-10", error.path("id").asText(), "error.id: " + error);
            client.send(Json.join("after-lab", "x"));
            client.expect("joined");
        }
    }

    /**
     * The JSON recycler setting changes where Jackson's scratch buffers live, never what is said:
     * a server on Jackson's per-thread cache and one on the shared pool, side by side in this JVM,
     * carry the same text (multi-byte characters included) and answer bad JSON the same way.
     */
    @CoreModels
    void bothJsonRecyclersCarryTheSameChat(String model) {
        String text = "h\u00e9llo \u20ac \ud83d\ude00 " + "x".repeat(3000); // longer than Jackson's first buffer
        try (TestServer threadLocal = TestServer.start(model, ServerConfig.defaults().withJsonRecycler(ServerConfig.JsonRecycler.THREAD_LOCAL));
             TestServer shared = TestServer.start(model, ServerConfig.defaults().withJsonRecycler(ServerConfig.JsonRecycler.SHARED))) {
            for (TestServer server : List.of(threadLocal, shared)) {
                try (WsClient alice = WsClient.connect(JAVA_WEBSOCKET, server.ws("/ws"));
                     WsClient bob = WsClient.connect(JETTY, server.ws("/ws"))) {
                    alice.send(Json.join("lobby", "alice"));
                    alice.expect("joined");
                    bob.send(Json.join("lobby", "bob"));
                    bob.expect("joined");
                    alice.expect("presence");
                    alice.send(Json.say("lobby", text, "c-1"));
                    for (WsClient member : List.of(alice, bob)) {
                        assertEquals(text, member.expect("message").path("text").asText(), member + " on " + server);
                    }
                    bob.sendText("{\"type\":\"say\",");
                    assertEquals("bad_json", bob.expect("error").path("code").asText(), "bad JSON on " + server);
                }
            }
        }
    }

    @CoreModels
    void labMessagesAreServedWhenLabIsOn(String model) {
        try (TestServer server = TestServer.start(model, ServerConfig.defaults().withLab(true).withWorkers(2));
             WsClient client = WsClient.connect(JETTY, server.ws("/ws"))) {
            client.send(Json.object("type", "compute", "millis", 30, "id", "c-9"));
            JsonNode computed = client.expect("computed");
            assertEquals("c-9", computed.path("id").asText(), "computed.id: " + computed);
            assertEquals(30, computed.path("millis").asInt(), "computed.millis: " + computed);
            assertFalse(computed.path("thread").asText().isEmpty(), "computed.thread: " + computed);
            client.send(Json.object("type", "sleep", "millis", 30, "id", "c-10"));
            JsonNode slept = client.expect("slept");
            assertEquals("c-10", slept.path("id").asText(), "slept.id: " + slept);
            assertEquals(30, slept.path("millis").asInt(), "slept.millis: " + slept);
            assertFalse(slept.path("thread").asText().isEmpty(), "slept.thread: " + slept);
        }
    }
}
